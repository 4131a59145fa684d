import Foundation

/// The Kafka binary-mode mapping of the integration contract: attributes as `ce_*` headers,
/// `content-type`, `traceparent`/`tracestate`, data as the record value.
extension CloudEvent {
    /// Header names exactly as in the contract's envelope table.
    package enum HeaderName {
        /// `ce_specversion`, always `1.0`.
        package static let specVersion = "ce_specversion"
        /// `ce_id`.
        package static let id = "ce_id"
        /// `ce_source`.
        package static let source = "ce_source"
        /// `ce_type`.
        package static let type = "ce_type"
        /// `ce_time`, RFC 3339.
        package static let time = "ce_time"
        /// `ce_subject`, the aggregate id.
        package static let subject = "ce_subject"
        /// `content-type`, `application/json`.
        package static let contentType = "content-type"
        /// `traceparent`, W3C trace context.
        package static let traceparent = "traceparent"
        /// `tracestate`, W3C trace context vendor state.
        package static let tracestate = "tracestate"
        /// The prefix of every CloudEvents attribute header; other `ce_*` headers are extensions.
        package static let attributePrefix = "ce_"

        /// The headers with a dedicated field; never emitted from or read into ``CloudEvent/extensions``.
        static let reserved: Set<String> = [
            specVersion, id, source, type, time, subject, contentType, traceparent, tracestate,
        ]
    }

    /// The record headers: `ce_specversion`, `ce_id`, `ce_source`, `ce_type`, `ce_time`, `ce_subject` (if any),
    /// `content-type`, `traceparent`/`tracestate` (if any), then extensions as `ce_<name>` sorted by name.
    /// Extensions whose header would clash with a dedicated one are left out.
    package func kafkaHeaders() -> [RecordHeader] {
        var headers = [
            RecordHeader(key: HeaderName.specVersion, string: Self.specVersion),
            RecordHeader(key: HeaderName.id, string: id),
            RecordHeader(key: HeaderName.source, string: source),
            RecordHeader(key: HeaderName.type, string: type.rawValue),
            RecordHeader(key: HeaderName.time, string: time.rfc3339),
        ]
        if let subject { headers.append(RecordHeader(key: HeaderName.subject, string: subject)) }
        headers.append(RecordHeader(key: HeaderName.contentType, string: contentType))
        if let traceparent { headers.append(RecordHeader(key: HeaderName.traceparent, string: traceparent)) }
        if let tracestate { headers.append(RecordHeader(key: HeaderName.tracestate, string: tracestate)) }
        for (name, value) in extensions.sorted(by: { $0.key < $1.key }) {
            let key = HeaderName.attributePrefix + name
            if !HeaderName.reserved.contains(key) { headers.append(RecordHeader(key: key, string: value)) }
        }
        return headers
    }

    /// Reads a binary-mode record. Headers other than CloudEvents/trace ones are ignored; of repeated
    /// headers the last wins; a missing `content-type` means `application/json`; an empty `ce_subject`
    /// means none.
    /// - Throws: ``CloudEventDecodingError`` listing every problem: missing `ce_specversion` or not `1.0`,
    ///   missing or empty `ce_id`/`ce_source`/`ce_type`/`ce_time`, `ce_time` not RFC 3339, a non-UTF-8
    ///   header value, a null or empty value, a content type other than `application/json`.
    package init(headers: [RecordHeader], value: [UInt8]?) throws(CloudEventDecodingError) {
        var reader = HeaderReader(headers: headers)
        let specVersion = reader.required(HeaderName.specVersion)
        if let specVersion, specVersion != Self.specVersion {
            reader.report(
                .unsupportedSpecVersion, HeaderName.specVersion, "must be 1.0, found \"\(specVersion.prefix(16))\"")
        }
        let id = reader.required(HeaderName.id)
        let source = reader.required(HeaderName.source)
        let type = reader.required(HeaderName.type)
        var time: Timestamp?
        if let text = reader.required(HeaderName.time) {
            do {
                time = try Timestamp(rfc3339: text)
            } catch {
                reader.report(.invalidTime, HeaderName.time, error.description)
            }
        }
        let subject = reader.optional(HeaderName.subject)
        let contentType = reader.optional(HeaderName.contentType) ?? CareLoopJSON.mediaType
        if !Self.isJSONMediaType(contentType) {
            reader.report(
                .unsupportedContentType,
                HeaderName.contentType,
                "must be application/json (charset=utf-8 allowed), found \"\(contentType.prefix(64))\""
            )
        }
        let traceparent = reader.optional(HeaderName.traceparent)
        let tracestate = reader.optional(HeaderName.tracestate)
        let extensions = reader.extensions()
        if value?.isEmpty ?? true {
            reader.report(.emptyData, "value", "the record value (the event's JSON data) is empty")
        }
        guard reader.problems.isEmpty, let id, let source, let type, let time, let value else {
            throw CloudEventDecodingError(problems: reader.problems)
        }
        self.init(
            id: id,
            source: source,
            type: EventType(rawValue: type),
            time: time,
            subject: subject?.isEmpty == false ? subject : nil,
            contentType: contentType,
            traceparent: traceparent,
            tracestate: tracestate,
            extensions: extensions,
            data: value
        )
    }

    /// Whether `contentType` is `application/json`, case-insensitive, with at most a `charset=utf-8` parameter.
    package static func isJSONMediaType(_ contentType: String) -> Bool {
        // The usual value, checked without Foundation's trimming (a measurable cost on every record consumed).
        if contentType == CareLoopJSON.mediaType { return true }
        let parts = contentType.split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.first == CareLoopJSON.mediaType else { return false }
        return parts.dropFirst().allSatisfy { parameter in
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0] == "charset" else { return false }
            let charset = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return charset == "utf-8" || charset == "utf8"
        }
    }
}

/// Reads CloudEvents header values as UTF-8 strings and collects the problems found.
private struct HeaderReader {
    let headers: [RecordHeader]
    var problems: [CloudEventDecodingError.Problem] = []

    mutating func report(_ code: CloudEventDecodingError.Code, _ header: String, _ message: String) {
        problems.append(.init(code: code, header: header, message: message))
    }

    /// The last value of `name`, or `nil` when absent or null; reports non-UTF-8 values.
    mutating func optional(_ name: String) -> String? {
        guard let bytes = headers.last(named: name)?.value else { return nil }
        return text(bytes, header: name)
    }

    /// Like ``optional(_:)``, and reports an absent or empty value.
    mutating func required(_ name: String) -> String? {
        guard let header = headers.last(named: name), let bytes = header.value else {
            report(.missingHeader, name, "is required")
            return nil
        }
        guard let value = text(bytes, header: name) else { return nil }
        guard !value.isEmpty else {
            report(.emptyHeader, name, "must not be empty")
            return nil
        }
        return value
    }

    /// The `ce_*` headers without a dedicated field, keyed by attribute name.
    mutating func extensions() -> [String: String] {
        var extensions: [String: String] = [:]
        for header in headers
        where header.key.hasPrefix(CloudEvent.HeaderName.attributePrefix)
            && !CloudEvent.HeaderName.reserved.contains(header.key)
        {
            guard let bytes = header.value, let value = text(bytes, header: header.key) else { continue }
            extensions[String(header.key.dropFirst(CloudEvent.HeaderName.attributePrefix.count))] = value
        }
        return extensions
    }

    private mutating func text(_ bytes: [UInt8], header: String) -> String? {
        guard let value = String(validating: bytes, as: UTF8.self) else {
            report(.notUTF8, header, "value is not valid UTF-8")
            return nil
        }
        return value
    }
}
