/// The inbound `careloop.voice.submitted` payload on `careloop.intake.v1`, and the body of `POST /v1/cases`:
/// exactly the contract's JSON. Parse untrusted bytes with ``parse(json:now:maxFutureSkew:)``.
package struct VoiceSubmission: Codable, Hashable, Sendable {
    /// The event type of submissions.
    package static let eventType = EventType.voiceSubmitted
    /// The topic submissions arrive on.
    package static let topic = Topic.intake

    /// What the voice is; required, one of ``VoiceKind/known``.
    package var kind: VoiceKind
    /// Where it came from; required, one of ``Channel/known``.
    package var channel: Channel
    /// When the owner submitted it; required, not in the future.
    package var submittedAt: Timestamp
    /// Who submitted it (contains PII: never copy `name` or `phone` to outbound topics).
    package var owner: Owner
    /// Where the issue is.
    package var property: PropertyAddress
    /// Short summary, at most 200 characters.
    package var title: String?
    /// The owner's words; required, at most 4,000 characters.
    package var description: String
    /// The company's guess of the category, e.g. `engineering.plumbing`.
    package var categoryHint: String?
    /// Photos and documents, at most 10.
    package var attachments: [Attachment]?
    /// Set for defects recorded at an open day or delivery inspection.
    package var inspection: Inspection?
    /// Additive: who took the report first (首问负责), e.g. a staff id; absent means the channel itself.
    package var taker: String?

    /// Makes a submission.
    package init(
        kind: VoiceKind,
        channel: Channel,
        submittedAt: Timestamp,
        owner: Owner,
        property: PropertyAddress,
        title: String? = nil,
        description: String,
        categoryHint: String? = nil,
        attachments: [Attachment]? = nil,
        inspection: Inspection? = nil,
        taker: String? = nil
    ) {
        self.kind = kind
        self.channel = channel
        self.submittedAt = submittedAt
        self.owner = owner
        self.property = property
        self.title = title
        self.description = description
        self.categoryHint = categoryHint
        self.attachments = attachments
        self.inspection = inspection
        self.taker = taker
    }

    /// The intake record key, `<city>/<project>`.
    package var recordKey: String {
        property.cityProjectKey
    }

    enum CodingKeys: String, CodingKey {
        case kind, channel, owner, property, title, description, attachments, inspection, taker
        case submittedAt = "submitted_at"
        case categoryHint = "category_hint"
    }

    /// The submitting owner as the company knows them.
    package struct Owner: Codable, Hashable, Sendable {
        /// The company's owner id; required, at most 64 characters.
        package var id: String
        /// The owner's name (PII), at most 100 characters.
        package var name: String?
        /// E.164 phone number (PII); optional when the owner is known.
        package var phone: String?
        /// BCP 47 language tag such as `zh-CN`; defaults from the city when absent.
        package var language: String?
        /// Additive: the day the owner moved in (`YYYY-MM-DD`), when known; a later date means not yet moved in.
        package var moveInDate: String?

        /// Makes an owner.
        package init(id: String, name: String? = nil, phone: String? = nil, language: String? = nil, moveInDate: String? = nil) {
            self.id = id
            self.name = name
            self.phone = phone
            self.language = language
            self.moveInDate = moveInDate
        }

        enum CodingKeys: String, CodingKey {
            case id, name, phone, language
            case moveInDate = "move_in_date"
        }
    }

    /// A photo or document the owner attached.
    package struct Attachment: Codable, Hashable, Sendable {
        /// Absolute http(s) URL.
        package var url: String
        /// Media type, e.g. `image/jpeg`; required.
        package var contentType: String

        /// Makes an attachment.
        package init(url: String, contentType: String) {
            self.url = url
            self.contentType = contentType
        }

        enum CodingKeys: String, CodingKey {
            case url
            case contentType = "content_type"
        }
    }

    /// The inspection a defect was recorded at (open day or delivery, 验房).
    package struct Inspection: Codable, Hashable, Sendable {
        /// Inspection batch, e.g. `DELIVERY-2026-11-SZ-FSG-B12`; required.
        package var batch: String

        /// Makes an inspection reference.
        package init(batch: String) {
            self.batch = batch
        }

        enum CodingKeys: String, CodingKey {
            case batch
        }
    }
}
