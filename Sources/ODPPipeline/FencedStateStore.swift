import Foundation
import ODPCore

/// The run's `StateStore`: every write for a dataset first checks that this run still holds
/// the dataset's lease, so a worker that stalled past its lease and was taken over writes
/// nothing more to the journal or the dataset's state (and so uploads nothing more: the
/// publisher journals its intents before uploading). Reads pass straight through.
public final class FencedStateStore: StateStore {
    let inner: StateStore
    let leases: DatasetLeases

    public init(_ inner: StateStore, leases: DatasetLeases) {
        self.inner = inner
        self.leases = leases
    }

    public func datasetState(_ dataset: String) throws -> DatasetState? { try inner.datasetState(dataset) }
    public func datasetStates() throws -> DatasetStates { try inner.datasetStates() }
    public func intents(dataset: String) -> [UploadIntent] { inner.intents(dataset: dataset) }
    public func receipts(dataset: String) -> [Receipt] { inner.receipts(dataset: dataset) }
    public func journaledDatasets() -> [String] { inner.journaledDatasets() }

    public func save(_ state: DatasetState, dataset: String) throws {
        try leases.check(dataset)
        try inner.save(state, dataset: dataset)
    }

    public func append(intents: [UploadIntent]) throws {
        for dataset in Set(intents.map(\.dataset)) { try leases.check(dataset) }
        try inner.append(intents: intents)
    }

    public func append(_ receipt: Receipt) throws {
        try leases.check(receipt.dataset)
        try inner.append(receipt)
    }

    public func claimPlan(id: String, proposed: Data) throws -> Data { try inner.claimPlan(id: id, proposed: proposed) }
    public func acquireLease(dataset: String, owner: String, ttl: TimeInterval) throws -> DatasetLease? {
        try inner.acquireLease(dataset: dataset, owner: owner, ttl: ttl)
    }
    public func renew(_ lease: DatasetLease, ttl: TimeInterval) throws -> Bool { try inner.renew(lease, ttl: ttl) }
    public func holds(_ lease: DatasetLease) throws -> Bool { try inner.holds(lease) }
    public func release(_ lease: DatasetLease) throws { try inner.release(lease) }
    public func heldLeases() throws -> [DatasetLease] { try inner.heldLeases() }
}
