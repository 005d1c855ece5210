import Foundation

/// `state/withdrawals.json`: datasets and versions taken out of the open path (撤回) by
/// `odp withdraw`, oldest first. The dataset, version, reason and date are public: the portal
/// answers the old URLs with 410 and the reason, and the feeds announce it. Who withdrew it
/// is kept for the audit trail only.
public struct WithdrawalList: Artifact, Equatable {
    public static let artifactName = "withdrawals.json"
    public static let schemaVersion = 1

    public var withdrawals: [Withdrawal]

    public init(withdrawals: [Withdrawal] = []) { self.withdrawals = withdrawals }

    public func of(dataset: String) -> [Withdrawal] { withdrawals.filter { $0.dataset == dataset } }

    /// The withdrawal that covers a version: one of that version, or of the whole dataset
    /// (once restored, only of the versions it took out).
    public func covering(dataset: String, version: String) -> Withdrawal? {
        withdrawals.last { $0.dataset == dataset && $0.covers(version) }
    }

    /// The whole-dataset withdrawal in force (not restored): `odp run` skips the dataset.
    public func activeDatasetWithdrawal(_ dataset: String) -> Withdrawal? {
        withdrawals.last { $0.dataset == dataset && $0.version == nil && $0.restored == nil }
    }
}

/// One withdrawal of a whole dataset (`version` nil) or of one version.
public struct Withdrawal: Codable, Sendable, Equatable {
    /// `<dataset>-W<n>`, n counting from 1 per dataset: the key that makes propagating it to
    /// each target exactly once (journaled like an upload).
    public var number: String
    public var dataset: String
    /// The version withdrawn; nil withdraws the dataset and every version of it.
    public var version: String?
    /// Why, in Chinese: shown with the 410 and in the feed, so it passes the identifier scan.
    public var reason: String
    public var by: String
    /// ISO 8601 UTC.
    public var recorded: String
    /// Whole-dataset withdrawals: the versions published when it was recorded. Those stay
    /// withdrawn after a restore; versions made after the restore are not covered.
    public var versions: [String]?
    /// When `odp withdraw DATASET --restore` lifted a whole-dataset withdrawal (ISO 8601 UTC):
    /// `odp run` makes new versions again.
    public var restored: String?

    public init(number: String, dataset: String, version: String?, reason: String, by: String, recorded: String,
                versions: [String]? = nil, restored: String? = nil) {
        self.number = number
        self.dataset = dataset
        self.version = version
        self.reason = reason
        self.by = by
        self.recorded = recorded
        self.versions = versions
        self.restored = restored
    }

    /// Whether this withdrawal takes `version` of its dataset out of the open path.
    public func covers(_ version: String) -> Bool {
        if let own = self.version { return own == version }
        return restored == nil || versions?.contains(version) == true
    }
}
