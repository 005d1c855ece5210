import Foundation
import ODPCore
import ODPDesensitize
import ODPRelease

/// The data officer's side of 纠错与意见 on the command line (`odp feedback`): accept, mark
/// fixed in a published version (with its erratum), or decline with a public reason. Every
/// change is recorded in the audit trail by feedback number only.
public struct FeedbackDesk {
    let layout: OutputLayout
    let audit: AuditTrail
    public var book: FeedbackBook { FeedbackBook(state: layout.state) }

    public init(layout: OutputLayout, audit: AuditTrail) {
        self.layout = layout
        self.audit = audit
    }

    /// The published-file scanner, as `odp serve` gives it to the portal for feedback texts and reasons.
    public static var gate: any PublishedFileGate { PublishedFileScanner(today: RunOptions(runTime: Date()).runDate) }

    public func accept(_ number: String, by: String) throws -> FeedbackItem {
        let item = try book.accept(number, by: by)
        try audit.record("feedback_accepted", dataset: item.dataset, details: AuditDetails(by: by, feedback: number))
        return item
    }

    public func fix(_ number: String, version: String, erratum: String?, by: String) throws -> FeedbackItem {
        let dataset = FeedbackBook.dataset(of: number) ?? ""
        let published = dataset.isEmpty ? [] : try ReleaseReader.versions(datasetId: dataset, root: layout.root).map(\.version)
        let item = try book.fix(number, version: version, erratum: erratum, by: by, published: published,
                                errata: try ErrataBook(layout: layout).list(dataset: dataset))
        try audit.record("feedback_fixed", dataset: item.dataset, details: AuditDetails(version: version, by: by, note: erratum, feedback: number))
        return item
    }

    public func decline(_ number: String, reason: String, by: String) throws -> FeedbackItem {
        let item = try book.decline(number, reason: reason, by: by, gate: Self.gate)
        try audit.record("feedback_declined", dataset: item.dataset, details: AuditDetails(by: by, feedback: number))
        return item
    }
}
