import CareLoopContracts
import Foundation
import Testing

@testable import RoutingService

/// Loads the real rules file and fixtures by path: the test target declares no resources.
enum ClassificationFiles {
    static let testsDirectory = URL(filePath: #filePath).deletingLastPathComponent()
    static let rulesURL = testsDirectory.appending(path: "../../Services/Routing/rules/classification.v1.json")
    static let labelledURL = testsDirectory.appending(path: "Fixtures/classification-labelled.json")

    static func ruleSet() throws -> ClassificationRuleSet {
        try JSONDecoder().decode(ClassificationRuleSet.self, from: Data(contentsOf: rulesURL))
    }

    static func classifier() throws -> Classifier {
        try Classifier(ruleSet: ruleSet())
    }
}

@Suite("Classification rules")
struct ClassificationTests {
    @Test("the shipped rule set is valid and covers every category family")
    func shippedRuleSet() throws {
        let ruleSet = try ClassificationFiles.ruleSet()
        #expect(ruleSet.validate().isEmpty)
        #expect(ruleSet.version == "1.0.0")
        for category in [
            "engineering.leakage", "engineering.doors", "engineering.finishing", "engineering.windows",
            "engineering.cracks", "engineering.plumbing_hvac", "engineering.other", "property.security",
            "property.cleaning", "property.greenery", "property.parking", "property.pests", "property.renovation",
            "property.facilities", "customer_service.certificates", "customer_service.attitude", "other.external",
        ] {
            #expect(ruleSet.categories.contains(category), "missing \(category)")
        }
        #expect(ruleSet.categories.contains { $0.hasPrefix("planning_design.") })
        #expect(ruleSet.categories.contains { $0.hasPrefix("sales.") })
    }

    @Test("validation reports duplicate ids, unknown departments and empty keywords")
    func validation() {
        let ruleSet = ClassificationRuleSet(
            version: "test",
            rules: [
                ClassificationRule(id: "a", category: "engineering.leakage", department: .engineering, keywords: ["leak"]),
                ClassificationRule(id: "a", category: "engineering.doors", department: .engineering, keywords: ["door"]),
                ClassificationRule(id: "b", category: "property.x", department: "janitorial", keywords: ["mop"]),
                ClassificationRule(id: "c", category: "property.y", department: .propertyManagement, keywords: []),
                ClassificationRule(id: "d", category: "nodot", department: .engineering, keywords: ["x"]),
            ])
        let problems = ruleSet.validate()
        #expect(problems.contains { $0.ruleID == "a" && $0.problem.contains("more than one") })
        #expect(problems.contains { $0.ruleID == "b" && $0.problem.contains("janitorial") })
        #expect(problems.contains { $0.ruleID == "c" && $0.problem.contains("keywords") })
        #expect(problems.contains { $0.ruleID == "d" && $0.problem.contains("dotted") })
        #expect(problems.count == 4)
        #expect(throws: InvalidClassificationRuleSet.self) { try Classifier(ruleSet: ruleSet) }
    }

    @Test("an unknown department in the JSON file is rejected, not silently accepted")
    func unknownDepartmentInJSON() throws {
        let json = #"{"version":"x","rules":[{"id":"r","category":"a.b","department":"nope","keywords":["k"]}]}"#
        let ruleSet = try JSONDecoder().decode(ClassificationRuleSet.self, from: Data(json.utf8))
        #expect(throws: InvalidClassificationRuleSet.self) { try Classifier(ruleSet: ruleSet) }
    }

    @Test("a category hint the rule set knows wins over keywords and records its rule")
    func knownHintWins() throws {
        let classifier = try ClassificationFiles.classifier()
        let result = classifier.classify(
            title: "Ceiling leaking", description: "Water drips from the ceiling", categoryHint: "property.cleaning")
        #expect(result.category == "property.cleaning")
        #expect(result.department == .propertyManagement)
        #expect(result.source == .hint)
        #expect(result.matchedRuleID == "prop-cleaning")
    }

    @Test("an unknown category hint is ignored and the rules decide")
    func unknownHintIgnored() throws {
        let classifier = try ClassificationFiles.classifier()
        let result = classifier.classify(
            title: "Ceiling leaking", description: "Water drips from the ceiling", categoryHint: "plumbing")
        #expect(result.category == "engineering.leakage")
        #expect(result.department == .engineering)
        #expect(result.source == .rule)
        #expect(result.matchedRuleID == "eng-leakage")
        #expect(result.score > 0)
        #expect(result.ruleSetVersion == "1.0.0")
    }

    @Test(
        "reports go to the department owning their category",
        arguments: [
            ("卫生间吊顶渗水", "楼上用水我家就滴", "engineering.leakage", Department.engineering),
            ("Sales agent promised a sea view", "The brochure advertised a view we do not have", "sales.promises",
             .marketingSales),
            ("房产证一直办不下来", "交房两年了", "customer_service.certificates", .customerService),
            ("Cockroaches everywhere", "The bin room is full of them", "property.pests", .propertyManagement),
            ("户型和图纸不一样", "次卧小了很多", "planning_design.layout", .planningDesign),
        ])
    func departments(title: String, description: String, category: String, department: Department) throws {
        let result = try ClassificationFiles.classifier().classify(title: title, description: description)
        #expect(result.category == category)
        #expect(result.department == department)
    }

    @Test("nothing matched goes to manual triage in customer service, never dropped")
    func manualTriage() throws {
        let result = try ClassificationFiles.classifier().classify(title: "Hello", description: "Just saying hi 你好")
        #expect(result.category == "customer_service.triage")
        #expect(result.department == .customerService)
        #expect(result.source == .manualTriage)
        #expect(result.matchedRuleID == nil)
    }

    @Test("English matches case-insensitively at word starts only; negative keywords disqualify a rule")
    func matching() throws {
        let classifier = try Classifier(
            ruleSet: ClassificationRuleSet(
                version: "t",
                rules: [
                    ClassificationRule(
                        id: "pests", category: "property.pests", department: .propertyManagement, keywords: ["ant"]),
                    ClassificationRule(
                        id: "doors", category: "engineering.doors", department: .engineering, keywords: ["door", "门"],
                        negativeKeywords: ["gate"]),
                ]))
        #expect(classifier.classify(title: "I want help", description: "").source == .manualTriage)
        #expect(classifier.classify(title: "ANTS in the kitchen", description: "").category == "property.pests")
        #expect(classifier.classify(title: "Doorbell", description: "").category == "engineering.doors")
        #expect(classifier.classify(title: "卧室的门坏了", description: "").category == "engineering.doors")
        #expect(classifier.classify(title: "Door of the car park gate", description: "").source == .manualTriage)
    }

    @Test("a keyword in the title outweighs the same keyword count in the description only")
    func titleWeighsMore() throws {
        let classifier = try Classifier(
            ruleSet: ClassificationRuleSet(
                version: "t",
                rules: [
                    ClassificationRule(id: "a", category: "x.a", department: .engineering, keywords: ["alpha"]),
                    ClassificationRule(id: "b", category: "x.b", department: .engineering, keywords: ["beta"]),
                ]))
        let result = classifier.classify(title: "beta", description: "alpha")
        #expect(result.matchedRuleID == "b")
        #expect(result.score == 2)
    }
}
