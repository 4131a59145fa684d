import CareLoopContracts
import Foundation
import Testing

@Suite struct ProblemDetailsTests {
    @Test func fieldRuleViolationsAre400WithEveryError() throws {
        let errors = try #require(
            VoiceSubmission.parse(json: try Fixture.bytes("invalid/voice.submitted.many-errors.json"), now: Fixture.now)
                .failure
        )
        let problem = ProblemDetails.validation(errors, instance: "/v1/cases")
        #expect(problem.status == 400)
        #expect(problem.title == "The body breaks field rules")
        #expect(problem.type == ProblemDetails.validationType)
        #expect(problem.errors == errors.errors)
        #expect(problem.instance == "/v1/cases")
        #expect(ProblemDetails.mediaType == "application/problem+json")
    }

    @Test func malformedJSONIs400() throws {
        let errors = try #require(
            VoiceSubmission.parse(json: try Fixture.bytes("invalid/malformed.json"), now: Fixture.now).failure
        )
        #expect(ProblemDetails.validation(errors).status == 400)
    }

    @Test func minimalProblemDecodesWithDefaults() throws {
        let problem = try CareLoopJSON.decode(
            ProblemDetails.self,
            from: Array(#"{"title":"Not Found","status":404}"#.utf8)
        )
        #expect(problem == ProblemDetails(title: "Not Found", status: 404))
        #expect(problem.type == "about:blank")
        #expect(problem.errors.isEmpty)
    }

    @Test func encodedProblemHasTheRFC9457Members() throws {
        let problem = ProblemDetails(
            title: "Conflict",
            status: 409,
            detail: "already exists",
            instance: "/v1/cases/1",
            errors: [FieldError(path: "$", rule: .json, message: "m")]
        )
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(try CareLoopJSON.encode(problem))) as? [String: Any]
        )
        #expect(Set(object.keys) == ["type", "title", "status", "detail", "instance", "errors"])
        #expect((object["errors"] as? [[String: String]])?.first == ["path": "$", "rule": "json", "message": "m"])
    }
}

extension Result {
    /// The failure, if any.
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
