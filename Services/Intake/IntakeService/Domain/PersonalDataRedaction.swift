import Foundation

/// Removes personal data from free text before it leaves intake on an outbound topic: phone numbers,
/// e-mail addresses and the owner's own name, which owners often type into descriptions.
///
/// Hand-written scanners rather than regular expressions: every case's title and description passes here, and
/// Swift `Regex` literals cost far more than the rest of a registration.
package enum PersonalDataRedaction {
    /// Placeholders that replace what was removed.
    package static let phonePlaceholder = "[phone]"
    package static let emailPlaceholder = "[email]"
    package static let namePlaceholder = "[name]"

    /// `text` with e-mail addresses (`local@domain.tld`), phone-like digit runs (7 or more decimal digits, an
    /// optional leading `+`, single spaces, dots or hyphens between digits) and `ownerName` (when given,
    /// 2 characters or more, any case) replaced.
    package static func redact(_ text: String, ownerName: String?) -> String {
        var result = redactPhones(redactEmails(text))
        if let name = ownerName?.trimmingCharacters(in: .whitespacesAndNewlines), name.count >= 2 {
            result = result.replacingOccurrences(of: name, with: namePlaceholder, options: [.caseInsensitive])
        }
        return result
    }

    /// Replaces `[A-Za-z0-9._%+-]+ @ [A-Za-z0-9.-]+ . [A-Za-z]{2,}` (the longest such address at each `@`).
    static func redactEmails(_ text: String) -> String {
        guard text.contains("@") else { return text }
        let characters = Array(text)
        var output = ""
        var copied = 0
        var index = 0
        while index < characters.count {
            guard characters[index] == "@" else {
                index += 1
                continue
            }
            var start = index
            while start > copied, isLocalCharacter(characters[start - 1]) { start -= 1 }
            var domainEnd = index + 1
            while domainEnd < characters.count, isDomainCharacter(characters[domainEnd]) { domainEnd += 1 }
            if start < index, let end = addressEnd(characters, domain: (index + 1)..<domainEnd) {
                output += String(characters[copied..<start]) + emailPlaceholder
                copied = end
                index = end
            } else {
                index += 1
            }
        }
        return output + String(characters[copied...])
    }

    /// Where the longest `label(s).tld` prefix of `domain` ends (a non-empty part, a dot, 2 or more letters).
    private static func addressEnd(_ characters: [Character], domain: Range<Int>) -> Int? {
        var end = domain.upperBound
        while end > domain.lowerBound {
            var letters = end
            while letters > domain.lowerBound, isASCIILetter(characters[letters - 1]) { letters -= 1 }
            let dot = letters - 1
            if end - letters >= 2, dot > domain.lowerBound, characters[dot] == "." { return end }
            end -= 1
        }
        return nil
    }

    /// Replaces an optional `+`, a decimal digit and 6 or more further digits each optionally preceded by one space,
    /// dot or hyphen (the longest run at each start).
    static func redactPhones(_ text: String) -> String {
        let characters = Array(text)
        var output = ""
        var copied = 0
        var index = 0
        while index < characters.count {
            let start = index
            var position = index
            if characters[position] == "+", position + 1 < characters.count, isDecimalDigit(characters[position + 1]) { position += 1 }
            guard isDecimalDigit(characters[position]) else {
                index += 1
                continue
            }
            var digits = 1
            position += 1
            while position < characters.count {
                if isDecimalDigit(characters[position]) {
                    position += 1
                } else if isSeparator(characters[position]), position + 1 < characters.count, isDecimalDigit(characters[position + 1]) {
                    position += 2
                } else {
                    break
                }
                digits += 1
            }
            if digits >= 7 {
                output += String(characters[copied..<start]) + phonePlaceholder
                copied = position
            }
            index = position
        }
        return output + String(characters[copied...])
    }

    private static func isDecimalDigit(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return false }
        return scalar.properties.numericType == .decimal
    }

    private static func isSeparator(_ character: Character) -> Bool {
        character.isWhitespace || character == "." || character == "-"
    }

    private static func isASCIILetter(_ character: Character) -> Bool {
        character.isASCII && character.isLetter
    }

    private static func isLocalCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._%+-".contains(character))
    }

    private static func isDomainCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "." || character == "-")
    }
}
