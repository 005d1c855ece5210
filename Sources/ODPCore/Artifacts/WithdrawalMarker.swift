import Foundation

/// `_ODP_WITHDRAWN`: the tombstone an upload target keeps where a withdrawn (撤回) version was
/// published — in a dir, SFTP or FTP version folder (beside its manifest, and at the dataset
/// folder when the whole dataset is withdrawn), or at the `{file}` place of an `http` gateway.
/// A receiving system that finds it stops serving that version and shows the reason and date.
/// Who withdrew it stays in the audit trail: the marker is public.
///
/// Its bytes depend on the withdrawal alone (no clock), so writing it again is a no-op and a
/// target recognises its own tombstone by content.
public struct WithdrawalMarker: Artifact, Equatable {
    public static let artifactName = "_ODP_WITHDRAWN"
    public static let schemaVersion = 1
    public static let fileName = FileDropMarkers.withdrawn

    /// `<dataset>-W<n>` of the withdrawal (`Withdrawal.number`).
    public var number: String
    public var dataset: String
    /// The version this tombstone stands for; nil at the dataset folder.
    public var version: String?
    /// True when the whole dataset (every version) was withdrawn.
    public var wholeDataset: Bool
    /// Why, in Chinese.
    public var reason: String
    /// When the withdrawal was recorded: ISO 8601 UTC.
    public var withdrawn: String

    public init(_ withdrawal: Withdrawal, version: String?) {
        number = withdrawal.number
        dataset = withdrawal.dataset
        self.version = version
        wholeDataset = withdrawal.version == nil
        reason = withdrawal.reason
        withdrawn = withdrawal.recorded
    }

    enum CodingKeys: String, CodingKey {
        case number, dataset, version, reason, withdrawn
        case wholeDataset = "whole_dataset"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number)
        try c.encode(dataset, forKey: .dataset)
        // Written as null rather than left out, so a reader sees the key for what it is.
        try c.encode(version, forKey: .version)
        try c.encode(wholeDataset, forKey: .wholeDataset)
        try c.encode(reason, forKey: .reason)
        try c.encode(withdrawn, forKey: .withdrawn)
    }
}
