/// Human case references such as `SZ-2026-000123`: a city prefix, the year and a number unique per
/// prefix and year (gaps allowed).
package enum CaseReference {
    /// The prefix for a property: the project code's leading letters when it has the `XX-…` form
    /// (`SZ-FSG` → `SZ`), otherwise the city's first two letters (`wuhan` → `WU`).
    package static func prefix(city: String, project: String) -> String {
        if let dash = project.firstIndex(of: "-") {
            let head = project[..<dash]
            if (2...4).contains(head.count), head.allSatisfy({ $0.isASCII && $0.isLetter }) { return head.uppercased() }
        }
        let letters = city.filter { $0.isASCII && $0.isLetter }
        return letters.isEmpty ? "CL" : String(letters.prefix(2)).uppercased()
    }

    /// Formats a reference: at least six digits, more when the number outgrows them.
    package static func format(prefix: String, year: Int, number: Int64) -> String {
        let digits = String(number)
        return "\(prefix)-\(year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }
}
