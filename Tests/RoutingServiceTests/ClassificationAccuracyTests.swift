import Foundation
import Testing

@testable import RoutingService

@Suite("Classification accuracy on labelled owner reports")
struct ClassificationAccuracyTests {
    struct LabelledReport: Decodable {
        var title: String
        var description: String
        var expectedCategory: String

        enum CodingKeys: String, CodingKey {
            case title, description
            case expectedCategory = "expected_category"
        }
    }

    @Test("at least 200 reports, roughly half Chinese, classified with at least 85 % accuracy")
    func accuracy() throws {
        let reports = try JSONDecoder().decode(
            [LabelledReport].self, from: Data(contentsOf: ClassificationFiles.labelledURL))
        #expect(reports.count >= 200)
        let chinese = reports.filter { $0.title.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
        #expect(Double(chinese.count) / Double(reports.count) > 0.4)
        #expect(Double(chinese.count) / Double(reports.count) < 0.6)

        let classifier = try ClassificationFiles.classifier()
        #expect(Set(reports.map(\.expectedCategory)).isSubset(of: classifier.ruleSet.categories))
        var correct = 0
        var misses: [String] = []
        for report in reports {
            let result = classifier.classify(title: report.title, description: report.description)
            if result.category == report.expectedCategory {
                correct += 1
            } else {
                misses.append("\(report.title): expected \(report.expectedCategory), got \(result.category)")
            }
        }
        let accuracy = Double(correct) / Double(reports.count)
        print("classification accuracy: \(String(format: "%.1f", accuracy * 100)) % (\(correct)/\(reports.count))")
        for miss in misses { print("  miss: \(miss)") }
        #expect(accuracy >= 0.85)
    }
}
