/// Masked forms of owners' names and phone numbers, for logs and API answers that must not show them in full.
package enum PersonalDataMask {
    /// `+8613800138000` → `+86138****8000`: the first six and last four characters of a long number, the first
    /// three and last two of a shorter one, `****` between; numbers of six characters or fewer become `****`.
    package static func phone(_ phone: String) -> String {
        let characters = Array(phone)
        guard characters.count > 6 else { return "****" }
        let (head, tail) = characters.count >= 11 ? (6, 4) : (3, 2)
        return String(characters.prefix(head)) + "****" + String(characters.suffix(tail))
    }

    /// `Li Wei` → `L*****`, `李伟` → `李*`: the first character, then one `*` per further character.
    package static func name(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: name.count - 1)
    }
}
