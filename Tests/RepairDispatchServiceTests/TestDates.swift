import CareLoopContracts
import Foundation
import Testing

@testable import RepairDispatchService

/// Parses a `YYYY-MM-DD` literal the test wrote; a typo fails the test rather than crashing it.
func day(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> LocalDate {
    try #require(LocalDate(text), sourceLocation: sourceLocation)
}

/// Parses an RFC 3339 literal the test wrote.
func instant(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Timestamp {
    Timestamp(try #require(ISO8601DateFormatter().date(from: text), sourceLocation: sourceLocation))
}
