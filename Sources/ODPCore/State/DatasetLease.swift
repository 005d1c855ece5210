import Foundation

/// A worker's time-limited claim on one dataset, so two pods of a sharded run (or a retried
/// pod and the one it replaced) never work on the same dataset at once.
///
/// `token` is a fencing token: it grows by one each time the lease changes hands, so a
/// worker that stalled past its expiry and was taken over can tell, before it writes, that
/// its lease is no longer the current one (`StateStore.holds`).
public struct DatasetLease: Sendable, Hashable {
    public let dataset: String
    public let owner: String
    public let token: Int64

    public init(dataset: String, owner: String, token: Int64) {
        self.dataset = dataset
        self.owner = owner
        self.token = token
    }

    /// `host:pid:random`: unique per process, and says which pod holds a dataset.
    public static func newOwner() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
    }
}
