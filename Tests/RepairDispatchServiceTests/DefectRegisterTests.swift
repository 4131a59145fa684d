import Testing

@testable import RepairDispatchService

@Suite("Defect register: recurring defects counted into entries")
struct DefectRegisterTests {
    static func occurrence(
        _ id: String, component: String = "waterproofing", cause: String = "Skylight flashing not sealed", project: String = "SZ-FSG",
        unit: String, found: String, title: String? = nil
    ) throws -> DefectOccurrence {
        DefectOccurrence(
            workOrderID: id, component: component, cause: cause, project: project, household: "\(project)/12/\(unit)",
            foundOn: try day(found), title: title)
    }

    @Test("causes compare without case, surrounding or repeated spaces and trailing punctuation")
    func causeKey() {
        #expect(DefectRegister.causeKey("  Skylight  flashing\tnot sealed. ") == "skylight flashing not sealed")
        #expect(DefectRegister.causeKey("天窗泛水未密封。") == "天窗泛水未密封")
        #expect(DefectRegister.causeKey(" ; ") == "")
    }

    @Test("a tally counts distinct households and projects and keeps the earliest report")
    func tally() throws {
        let occurrences = [
            try Self.occurrence("w1", unit: "1203", found: "2026-11-25", title: "Skylight leaks"),
            try Self.occurrence("w2", cause: "skylight flashing NOT sealed", unit: "1203", found: "2026-11-26"),
            try Self.occurrence("w3", project: "WH-LKC", unit: "0501", found: "2026-11-20", title: "天窗漏水"),
            try Self.occurrence("w4", component: "plumbing", cause: "Loose joint", unit: "0101", found: "2026-11-21"),
            try Self.occurrence("w5", cause: "   ", unit: "0909", found: "2026-11-21"),
        ]
        let tallies = DefectRegister.tally(occurrences)
        #expect(tallies.map(\.key) == [
            DefectKey(component: "plumbing", cause: "loose joint"),
            DefectKey(component: "waterproofing", cause: "skylight flashing not sealed"),
        ], "blank causes are left out; sorted by key")
        let skylight = try #require(tallies.last)
        #expect(skylight.households == 2, "unit 1203 twice is one household")
        #expect(skylight.occurrences == 3)
        #expect(skylight.projects == ["SZ-FSG", "WH-LKC"])
        #expect(skylight.firstFound == (try day("2026-11-20")))
        #expect(skylight.firstTitle == "天窗漏水")
        #expect(DefectRegister.isRecurring(skylight, threshold: 2))
        #expect(!DefectRegister.isRecurring(skylight, threshold: 3))
        #expect(!DefectRegister.isRecurring(tallies[0], threshold: 2))
    }

    @Test("codes: prefix and at least two digits")
    func codes() {
        #expect(DefectRegister.code(prefix: "SJ", number: 1) == "SJ01")
        #expect(DefectRegister.code(prefix: "SJ", number: 12) == "SJ12")
        #expect(DefectRegister.code(prefix: "QA-", number: 100) == "QA-100")
    }

    @Test("an entry's CSV row matches the header")
    func csvRow() throws {
        let entry = DefectRegisterEntry(
            code: "SJ01", component: "waterproofing", cause: "flashing", description: "Roof skylight leaks", householdsAffected: 14,
            projects: ["SZ-FSG", "WH-LKC"], firstFound: try day("2026-11-20"), decision: "replace flashing")
        #expect(entry.csvRow.count == DefectRegisterEntry.csvHeader.count)
        #expect(entry.csvRow == [
            "SJ01", "Roof skylight leaks", "flashing", "waterproofing", "14", "", "SZ-FSG; WH-LKC", "2026-11-20", "replace flashing", "", "",
        ])
    }
}

@Suite("CSV export")
struct CSVTableTests {
    @Test("plain fields stay as they are; lines end with CRLF; the text starts with a BOM")
    func plain() {
        let text = CSVTable.render(header: ["code", "description"], rows: [["SJ01", "天窗漏水"]])
        #expect(text == "\u{FEFF}code,description\r\nSJ01,天窗漏水\r\n")
    }

    @Test(
        "commas, quotes and line breaks are quoted, inner quotes doubled",
        arguments: [
            ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("line\nbreak", "\"line\nbreak\""), ("cr\r\nlf", "\"cr\r\nlf\""),
            ("", ""),
        ])
    func quoting(value: String, expected: String) {
        #expect(CSVTable.field(value) == expected)
    }

    @Test("a field that a spreadsheet would run as a formula is made text", arguments: ["=1+2", "+cmd", "-2", "@SUM(A1)", "\tx"])
    func formulaInjection(value: String) {
        #expect(CSVTable.field(value) == "'" + value)
        #expect(CSVTable.field("=HYPERLINK(\"x\",\"y\")") == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")
    }
}
