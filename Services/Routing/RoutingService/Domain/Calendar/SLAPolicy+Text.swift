import Foundation

extension SLAPolicy.Limit {
    /// Parses a limit as configuration writes it: `45s`, `20m` or `1h` of business time, or `3d` business days.
    /// `nil` for anything else (a positive whole number and one unit, nothing more).
    package init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last, let count = Int(trimmed.dropLast()), count > 0 else { return nil }
        switch unit {
        case "s": self = .businessTime(.seconds(count))
        case "m": self = .businessTime(.seconds(count * 60))
        case "h": self = .businessTime(.seconds(count * 3600))
        case "d": self = .businessDays(count)
        default: return nil
        }
    }
}
