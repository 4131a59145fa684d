import CareLoopContracts
import Foundation
import Testing

@Suite struct TimestampTests {
    @Test(
        "Accepted RFC 3339 texts re-encode byte-identical",
        arguments: [
            "2026-11-22T09:30:00+08:00",
            "2026-11-22T01:30:00Z",
            "2026-11-22T01:30:00.5Z",
            "2026-11-22T01:30:00.120Z",
            "2026-11-22T01:30:00.000Z",
            "2026-11-21T23:15:30.123456789-05:30",
            "2026-11-22T01:30:00+00:00",
            "2026-11-22T01:30:00-00:00",
            "2024-02-29T23:59:59Z",
            "2000-02-29T00:00:00+14:00",
            "1969-12-31T23:59:59.999Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2026-01-01T00:30:00+23:59",
        ]
    )
    func roundTrip(text: String) throws {
        let timestamp = try Timestamp(rfc3339: text)
        #expect(timestamp.rfc3339 == text)
        let json = try CareLoopJSON.encode([timestamp])
        #expect(String(decoding: json, as: UTF8.self).contains("\"\(text)\""))
        #expect(try CareLoopJSON.decode([Timestamp].self, from: json)[0].rfc3339 == text)
    }

    @Test(
        "Rejected texts",
        arguments: [
            "2026-11-22 09:30:00Z",
            "2026-11-22t09:30:00Z",
            "2026-11-22T09:30:00z",
            "2026-11-22T09:30:00",
            "2026-11-22T09:30Z",
            "2026-11-22",
            "2026-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-11-31T00:00:00Z",
            "2026-11-00T00:00:00Z",
            "2026-11-22T24:00:00Z",
            "2026-11-22T23:60:00Z",
            "2026-12-31T23:59:60Z",
            "2026-11-22T09:30:00.Z",
            "2026-11-22T09:30:00.1234567890Z",
            "2026-11-22T09:30:00,5Z",
            "2026-11-22T09:30:00+8:00",
            "2026-11-22T09:30:00+0800",
            "2026-11-22T09:30:00+08",
            "2026-11-22T09:30:00+24:00",
            "2026-11-22T09:30:00+08:60",
            "2026-11-22T09:30:00+08:00 ",
            " 2026-11-22T09:30:00+08:00",
            "26-11-22T09:30:00Z",
            "+2026-11-22T09:30:00Z",
            "２０２６-11-22T09:30:00Z",
            "",
            "1795311000",
        ]
    )
    func rejects(text: String) {
        #expect(throws: TimestampFormatError.self) { try Timestamp(rfc3339: text) }
        #expect(!Timestamp.isValidRFC3339(text))
    }

    @Test func offsetDoesNotChangeTheInstant() throws {
        let local = try Timestamp(rfc3339: "2026-11-22T09:30:00+08:00")
        let utc = try Timestamp(rfc3339: "2026-11-22T01:30:00Z")
        #expect(local.secondsSince1970 == 1_795_311_000)
        #expect(local == utc)
        #expect(local.hashValue == utc.hashValue)
        #expect(local.utcOffset == .minutes(480))
        #expect(try Timestamp(rfc3339: "2026-11-22T01:30:00-00:00").utcOffset == .unknownLocal)
        #expect(local.date == Date(timeIntervalSince1970: 1_795_311_000))
    }

    @Test func orderIsByInstant() throws {
        let earlier = try Timestamp(rfc3339: "2026-11-22T09:30:00+08:00")
        let later = try Timestamp(rfc3339: "2026-11-22T01:30:00.000000001Z")
        let evenLater = try Timestamp(rfc3339: "2026-11-21T20:00:00-05:45")
        #expect(earlier < later)
        #expect(later < evenLater)
        #expect([evenLater, earlier, later].sorted().map(\.rfc3339) == [earlier, later, evenLater].map(\.rfc3339))
    }

    @Test func fromDateIsUTCWithMilliseconds() {
        #expect(Timestamp(Date(timeIntervalSince1970: 1_795_311_000)).rfc3339 == "2026-11-22T01:30:00.000Z")
        #expect(Timestamp(Date(timeIntervalSince1970: 1_795_311_000.1234)).rfc3339 == "2026-11-22T01:30:00.123Z")
        #expect(Timestamp(Date(timeIntervalSince1970: 1_795_311_000.9996)).rfc3339 == "2026-11-22T01:30:01.000Z")
        #expect(Timestamp(Date(timeIntervalSince1970: -0.001)).rfc3339 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(Date(timeIntervalSince1970: 0)).utcOffset == .utc)
    }

    @Test func fromDateWithOffsetWritesLocalTime() throws {
        let date = Date(timeIntervalSince1970: 1_795_311_000)
        let timestamp = Timestamp(date, utcOffset: .minutes(480))
        #expect(timestamp.rfc3339 == "2026-11-22T09:30:00.000+08:00")
        #expect(timestamp.expressed(in: .minutes(-90)).rfc3339 == "2026-11-22T00:00:00.000-01:30")
        #expect(timestamp.expressed(in: .utc) == timestamp)
    }

    @Test func nanosecondsAreKeptExactly() throws {
        let timestamp = try Timestamp(rfc3339: "1969-12-31T23:59:59.000000001Z")
        #expect(timestamp.secondsSince1970 == -1)
        #expect(timestamp.nanoseconds == 1)
        #expect(timestamp.fractionDigits == 9)
    }

    @Test func decodingErrorNamesTheField() throws {
        let json = Array(#"{"at":"yesterday"}"#.utf8)
        struct Holder: Decodable { var at: Timestamp }
        do {
            _ = try CareLoopJSON.decode(Holder.self, from: json)
            Issue.record("decoding should fail")
        } catch let error as DecodingError {
            #expect(error.fieldError.path == "at")
            #expect(error.fieldError.rule == .rfc3339)
        }
    }
}
