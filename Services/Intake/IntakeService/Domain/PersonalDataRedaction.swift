import Foundation

/// Removes personal data from free text before it leaves intake on an outbound topic: phone numbers,
/// e-mail addresses and the owner's own name, which owners often type into descriptions.
package enum PersonalDataRedaction {
    /// Placeholders that replace what was removed.
    package static let phonePlaceholder = "[phone]"
    package static let emailPlaceholder = "[email]"
    package static let namePlaceholder = "[name]"

    /// `text` with phone-like digit runs (7 or more digits, with optional `+`, spaces, dots or hyphens),
    /// e-mail addresses and `ownerName` (when given, 2 characters or more) replaced.
    package static func redact(_ text: String, ownerName: String?) -> String {
        var result = text.replacing(/[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}/, with: emailPlaceholder)
        result = result.replacing(/\+?\d(?:[\s.\-]?\d){6,}/, with: phonePlaceholder)
        if let name = ownerName?.trimmingWhitespace(), name.count >= 2 {
            result = result.replacingOccurrences(of: name, with: namePlaceholder, options: [.caseInsensitive])
        }
        return result
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
