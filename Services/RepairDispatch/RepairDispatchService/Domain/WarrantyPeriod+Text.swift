extension WarrantyPeriod {
    /// Reads the short form used in registry files and the admin API: `8y` (years) or `3s` (heating/cooling
    /// seasons); `nil` for anything else or a number outside 0...200.
    package init?(text: String) {
        let trimmed = text.filter { !$0.isWhitespace }.lowercased()
        guard let unit = trimmed.last, let count = Int(trimmed.dropLast()), (0...200).contains(count) else { return nil }
        switch unit {
        case "y": self = .years(count)
        case "s": self = .seasons(count)
        default: return nil
        }
    }

    /// The short form: `8y` or `3s`.
    package var text: String {
        switch self {
        case .years(let years): "\(years)y"
        case .seasons(let seasons): "\(seasons)s"
        }
    }
}
