import Foundation

/// A CloudEvents 1.0 event as CareLoop carries it on Kafka in binary mode: attributes in headers,
/// `data` as the record value (JSON). See ``kafkaHeaders()`` and ``init(headers:value:)``.
package struct CloudEvent: Hashable, Sendable {
    /// The only CloudEvents version CareLoop speaks.
    package static let specVersion = "1.0"

    /// Unique per source; `(source, id)` is the idempotency key.
    package var id: String
    /// URI-reference of the producing system, e.g. `crm://acme/hotline`.
    package var source: String
    /// The event type, e.g. `careloop.case.registered`.
    package var type: EventType
    /// When the occurrence happened (`ce_time`).
    package var time: Timestamp
    /// The aggregate id (case id, work-order id, …), where there is one.
    package var subject: String?
    /// Media type of `data`; `application/json`, optionally with `charset=utf-8`.
    package var contentType: String
    /// W3C trace context, passed through every hop.
    package var traceparent: String?
    /// W3C vendor trace state, passed along with `traceparent`.
    package var tracestate: String?
    /// Other CloudEvents attributes, from `ce_<name>` headers, keyed by `<name>` (without `ce_`).
    package var extensions: [String: String]
    /// The record value: the event's JSON data.
    package var data: [UInt8]

    /// Makes an event from its attributes and raw data.
    package init(
        id: String,
        source: String,
        type: EventType,
        time: Timestamp,
        subject: String? = nil,
        contentType: String = CareLoopJSON.mediaType,
        traceparent: String? = nil,
        tracestate: String? = nil,
        extensions: [String: String] = [:],
        data: [UInt8]
    ) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.subject = subject
        self.contentType = contentType
        self.traceparent = traceparent
        self.tracestate = tracestate
        self.extensions = extensions
        self.data = data
    }

    /// Makes an `application/json` event whose data is `payload` in CareLoop's canonical JSON.
    /// `id` defaults to a new lowercase UUID; pass a stable one when the event may be re-published.
    package static func json(
        id: String = UUID().uuidString.lowercased(),
        source: String,
        type: EventType,
        time: Timestamp,
        subject: String? = nil,
        traceparent: String? = nil,
        tracestate: String? = nil,
        extensions: [String: String] = [:],
        payload: some Encodable
    ) throws -> CloudEvent {
        CloudEvent(
            id: id,
            source: source,
            type: type,
            time: time,
            subject: subject,
            traceparent: traceparent,
            tracestate: tracestate,
            extensions: extensions,
            data: try CareLoopJSON.encode(payload)
        )
    }

    /// Decodes `data` as `T` with CareLoop's JSON configuration (strict; see ``EventPayload/parse(json:)``
    /// and ``VoiceSubmission/parse(json:now:maxFutureSkew:)`` for field-level errors).
    package func decodeData<T: Decodable>(as type: T.Type) throws -> T {
        try CareLoopJSON.decode(type, from: data)
    }
}
