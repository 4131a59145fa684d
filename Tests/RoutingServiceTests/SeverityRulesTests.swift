import CareLoopContracts
import Testing

@testable import RoutingService

@Suite("Severity, time rule and complaint validity")
struct SeverityRulesTests {
    let rules = SeverityRules()

    @Test(
        "safety words make a report major",
        arguments: [
            ("Smell of gas in the kitchen", "", "smell of gas"), ("Socket gave me an electric shock", "", "electric shock"),
            ("阳台玻璃有高空坠物风险", "", "高空坠物"), ("配电箱漏电", "", "漏电"), ("Ceiling collapsed", "", "collapse"),
            ("楼道着火了", "", "着火"),
        ])
    func safety(title: String, description: String, word: String) {
        let assessment = rules.assess(SeverityInput(title: title, description: description))
        #expect(assessment.severity == .major)
        #expect(assessment.reasons.contains(.safety(word)))
    }

    @Test(
        "media and escalation threats make a report major",
        arguments: [
            ("Still leaking", "I will go to the media", "media"), ("Still leaking", "My lawyer will sue you", "lawyer"),
            ("还在漏水", "再不处理我就找记者曝光", "记者"), ("还在漏水", "我要投诉到住建局", "投诉到"),
            ("Still leaking", "Calling the 12345 hotline tomorrow", "12345"),
        ])
    func escalation(title: String, description: String, word: String) {
        let assessment = rules.assess(SeverityInput(title: title, description: description))
        #expect(assessment.severity == .major)
        #expect(assessment.reasons.contains(.escalationThreat(word)))
    }

    @Test("an ordinary report has no reasons; look-alike words do not trigger")
    func ordinary() {
        let assessment = rules.assess(
            SeverityInput(title: "Tissue issue", description: "The paint is peeling in the hall, a small issue"))
        #expect(assessment == SeverityAssessment(severity: .ordinary, reasons: []))
    }

    @Test("repeat reports reach major exactly at the configured threshold", arguments: [(1, false), (2, false), (3, true), (4, true)])
    func repeats(count: Int, isMajor: Bool) {
        let assessment = rules.assess(SeverityInput(title: "Door sticks", description: "", ownerReportsInWindow: count))
        #expect((assessment.severity == .major) == isMajor)
        #expect(assessment.reasons.contains(.repeatReports(count)) == isMajor)
    }

    @Test("the threshold, word lists and VIP handling are configurable")
    func configurable() {
        var custom = SeverityRules()
        custom.repeatThreshold = 2
        custom.safetyWords = ["flood"]
        custom.vipIsMajor = false
        #expect(custom.assess(SeverityInput(title: "x", description: "", ownerReportsInWindow: 2)).severity == .major)
        #expect(custom.assess(SeverityInput(title: "Flood in basement", description: "")).reasons == [.safety("flood")])
        #expect(custom.assess(SeverityInput(title: "Fire", description: "")).severity == .ordinary)
        #expect(custom.assess(SeverityInput(title: "x", description: "", isVIP: true)).severity == .ordinary)
        #expect(rules.assess(SeverityInput(title: "x", description: "", isVIP: true)).reasons == [.vip])
    }

    @Test(
        "113 inside the property office's authority, 137 beyond it",
        arguments: [
            ("property.cleaning", VoiceKind.complaint, TimeRule.rule113), ("property.facilities", .repair, .rule113),
            ("engineering.leakage", .inquiry, .rule113), ("engineering.leakage", .complaint, .rule137),
            ("sales.promises", .complaint, .rule137), ("customer_service.triage", .complaint, .rule137),
        ])
    func timeRule(category: String, kind: VoiceKind, expected: TimeRule) {
        #expect(TimeRuleSelector().timeRule(category: category, kind: kind) == expected)
    }

    @Test("the 113 prefixes are configurable")
    func timeRulePrefixes() {
        var selector = TimeRuleSelector()
        selector.prefixesFor113 = ["property.", "customer_service.attitude"]
        #expect(selector.timeRule(category: "customer_service.attitude", kind: .complaint) == .rule113)
        #expect(selector.timeRule(category: "customer_service.certificates", kind: .complaint) == .rule137)
    }

    @Test(
        "complaints about our lapses are valid; external causes and other voices are not",
        arguments: [
            (VoiceKind.complaint, "engineering.leakage", true), (.complaint, "property.security", true),
            (.complaint, "sales.promises", true), (.complaint, "customer_service.attitude", true),
            (.complaint, "planning_design.layout", true), (.complaint, "other.external", false),
            (.repair, "engineering.leakage", false), (.inquiry, "property.parking", false),
            (.praise, "customer_service.attitude", false), (.complaint, "unclassified", false),
        ])
    func validity(kind: VoiceKind, category: String, isValid: Bool) {
        let decision = ComplaintValidityRules().decide(kind: kind, category: category)
        #expect(decision.isValid == isValid)
        #expect(decision.decidedBy == .rule)
    }

    @Test("staff can override the rule and are recorded as the decider")
    func validityOverride() {
        let decision = ComplaintValidity.staffDecision(isValid: true, staffID: "S-17", reason: "factory is our partner")
        #expect(decision.isValid)
        #expect(decision.decidedBy == .staff("S-17"))
    }
}
