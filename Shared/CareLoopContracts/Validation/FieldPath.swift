/// Builds the field paths used in ``FieldError``: `owner.phone`, `attachments[3].url`, `$` for the body.
package enum FieldPath {
    /// The whole body.
    package static let root = "$"

    /// The path of member `key` inside `parent` (`""` or `$` for the body).
    package static func member(_ key: String, of parent: String) -> String {
        isRoot(parent) ? key : "\(parent).\(key)"
    }

    /// The path of element `index` of the array at `parent`.
    package static func element(_ index: Int, of parent: String) -> String {
        "\(isRoot(parent) ? root : parent)[\(index)]"
    }

    /// Whether `path` is `ancestor` itself or lies inside it.
    package static func path(_ path: String, isWithin ancestor: String) -> Bool {
        if isRoot(ancestor) || path == ancestor { return true }
        return path.hasPrefix(ancestor + ".") || path.hasPrefix(ancestor + "[")
    }

    private static func isRoot(_ path: String) -> Bool {
        path.isEmpty || path == root
    }
}
