/// Writes RFC 4180 CSV that spreadsheet programs open safely.
///
/// Fields with a comma, double quote, CR or LF are quoted (inner quotes doubled); lines end with CRLF. A field
/// starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` so a spreadsheet shows it as text instead of
/// running it as a formula (CSV injection). The text starts with a UTF-8 byte-order mark, which spreadsheet
/// programs need to read Chinese text as UTF-8.
package enum CSVTable {
    /// The UTF-8 byte-order mark written first.
    package static let byteOrderMark = "\u{FEFF}"

    /// The whole table: BOM, header, rows.
    package static func render(header: [String], rows: [[String]]) -> String {
        var text = byteOrderMark + line(header)
        for row in rows { text += line(row) }
        return text
    }

    /// One record with its CRLF.
    package static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// One field, neutralised and quoted as needed.
    package static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        let needsQuotes = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        guard needsQuotes else { return value }
        var quoted = "\""
        for character in value {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
