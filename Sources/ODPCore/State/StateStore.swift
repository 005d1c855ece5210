import Foundation

/// Where a run keeps what the next run needs: each dataset's `DatasetState` and the upload
/// journal (`UploadIntent`s and `Receipt`s). Every call names one dataset, so the cost of a
/// call depends on that dataset's history, never on the size of the catalog.
///
/// `FileStateStore` is the embedded default (files under `output/state`); a shared store for
/// runs sharded across machines (PostgreSQL) implements the same calls.
///
/// ## Concurrency
/// Calls for different datasets may come from different threads at once. Calls for one
/// dataset come from the one worker that holds its lock (the run's dataset worker, or the
/// publisher's per-dataset-and-target lock), so implementations need no lock of their own
/// for one dataset's records beyond what keeps appends whole.
public protocol StateStore: AnyObject, Sendable {
    /// The dataset's saved state, or nil before its first finished run.
    func datasetState(_ dataset: String) throws -> DatasetState?
    /// Replaces the dataset's state; readers see the old state or the new, never a mix.
    func save(_ state: DatasetState, dataset: String) throws
    /// Every dataset's state (for `odp status` and the metrics file).
    func datasetStates() throws -> DatasetStates

    /// The dataset's journaled intents, oldest first.
    func intents(dataset: String) -> [UploadIntent]
    /// The dataset's receipts, oldest first (a later receipt for the same file wins).
    func receipts(dataset: String) -> [Receipt]
    /// Every dataset (and `catalog`) the upload journal has entries for, sorted.
    func journaledDatasets() -> [String]
    /// Appends intents, each durable before the call returns. All belong to one dataset.
    func append(intents: [UploadIntent]) throws
    /// Appends one receipt, durable before the call returns.
    func append(_ receipt: Receipt) throws

    /// The shard plan stored under `id`, storing `proposed` first when there is none: the first
    /// writer wins, and every caller (the shards of one Kubernetes Job, racing on different
    /// machines) gets the winner's bytes back. `id` is a plan id (`--plan`, `ODP_JOB_ID`), at
    /// most letters, digits, `.`, `_` and `-`, not starting with `.`.
    func claimPlan(id: String, proposed: Data) throws -> Data

    /// Takes the dataset's lease for `ttl` seconds, or takes it over when its holder let it
    /// expire; nil when another owner holds an unexpired lease. Taking it (again) gives a new,
    /// larger token; the same owner re-acquiring keeps its token.
    func acquireLease(dataset: String, owner: String, ttl: TimeInterval) throws -> DatasetLease?
    /// Extends a lease still held; false when it expired and was taken over (or released).
    func renew(_ lease: DatasetLease, ttl: TimeInterval) throws -> Bool
    /// Whether `lease` is still the dataset's current, unexpired lease: the fencing check made
    /// before each write that publishes.
    func holds(_ lease: DatasetLease) throws -> Bool
    /// Ends a lease at once (a no-op when it was already taken over).
    func release(_ lease: DatasetLease) throws
    /// Datasets whose lease is held and unexpired (for tests and `odp status`).
    func heldLeases() throws -> [DatasetLease]
}
