import CareLoopContracts
import Foundation

/// Human case references such as `SZ-2026-000123`: the city's prefix, the year of registration in the city's time
/// zone and a number unique per prefix and year (gaps allowed).
package enum CaseReference {
    /// Whether `prefix` can start references: 1–8 ASCII capitals or digits, the first a letter.
    package static func isValidPrefix(_ prefix: String) -> Bool {
        guard let first = prefix.utf8.first, (1...8).contains(prefix.utf8.count), (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first)
        else { return false }
        return prefix.utf8.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The calendar year of `date` in `timeZone` (a case registered at 23:30 UTC on 31 December is next year's in
    /// Shenzhen).
    package static func year(of date: Date, in timeZone: TimeZone) -> Int {
        CivilDate.on(date, in: timeZone).year
    }

    /// Formats a reference: at least six digits, more when the number outgrows them.
    package static func format(prefix: String, year: Int, number: Int64) -> String {
        let digits = String(number)
        return "\(prefix)-\(year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }
}
