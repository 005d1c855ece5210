import Foundation
import ODPCore

/// What `ReleaseWriter.finish` did.
public struct ReleaseOutcome: Sendable {
    public enum Kind: Sendable, Hashable {
        /// A new version was written.
        case created(String)
        /// The content hash equals the newest version's: nothing was written.
        case unchanged(String)
    }

    public var kind: Kind
    public var version: String
    /// The release directory (the existing one when unchanged).
    public var directory: URL
    /// The package zip (nil when it does not exist).
    public var zip: URL?
    public var status: String
    public var contentHash: String
    public var rowCount: Int
    /// Total bytes of the release's files.
    public var bytes: Int
    /// Every file of the release except SHA256SUMS and its signature (empty when unchanged).
    public var files: [ReleaseFile]
    /// Nil for the first version and when unchanged.
    public var changes: ChangeSummary?
    /// What the published-file gate found (each one a hold reason already in `status`).
    public var gateFindings: [PublishedFileFinding] = []

    public var isUnchanged: Bool {
        if case .unchanged = kind { return true }
        return false
    }
}
