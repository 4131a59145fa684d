/// The length and count bounds of the contract and of CareLoop's additive fields, in Swift `Character`s.
package enum FieldLimits {
    /// `title`: at most 200 characters (contract).
    package static let title = 200
    /// `description`: at most 4,000 characters (contract).
    package static let description = 4_000
    /// `attachments`: at most 10 elements (contract).
    package static let attachments = 10
    /// Ids and short codes (owner id, case id, city, project, building, unit, reference): 64.
    package static let identifier = 64
    /// Ids written by other systems (`external_ref.id`, i.e. a `ce_id`): 128.
    package static let externalIdentifier = 128
    /// Short machine labels (category, category hint, skill, template, inspection batch, actor): 128.
    package static let label = 128
    /// People's names: 100.
    package static let personName = 100
    /// BCP 47 language tags: 35 (RFC 5646 §4.4.1 recommends supporting at least 35).
    package static let languageTag = 35
    /// URLs and URI references (`attachments[].url`, `external_ref.source`): 2,048.
    package static let url = 2_048
    /// Media types (`attachments[].content_type`): 255.
    package static let mediaType = 255
    /// Free-text reasons on events: 1,000.
    package static let reason = 1_000
    /// Whole JSON bodies handed to a parser: 1 MiB (in bytes).
    package static let bodyBytes = 1 << 20
}
