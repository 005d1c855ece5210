import Foundation
import ODPCore
import Synchronization

/// The leases a run holds, one per dataset in progress. Taken before a dataset starts, kept
/// alive by a heartbeat, released when it ends (also after a failure), and checked before
/// every write that publishes (`check`), through `FencedStateStore` and before a release is
/// promoted.
public final class DatasetLeases: Sendable {
    let store: StateStore
    let owner: String
    let ttl: TimeInterval
    let heartbeat: TimeInterval
    private let held = Mutex<[String: Held]>([:])

    /// - Parameter heartbeat: seconds between renewals; by default a third of the lease, so
    ///   two may fail (a slow database) before it lapses.
    public init(store: StateStore, owner: String = DatasetLease.newOwner(), ttl: TimeInterval, heartbeat: TimeInterval? = nil) {
        self.store = store
        self.owner = owner
        self.ttl = ttl
        self.heartbeat = heartbeat ?? ttl / 3
    }

    /// One held lease and its heartbeat.
    final class Held: @unchecked Sendable {
        let lease: DatasetLease
        let timer: DispatchSourceTimer
        /// Set by a heartbeat that found the lease taken over.
        let lost = Mutex(false)

        init(lease: DatasetLease, timer: DispatchSourceTimer) {
            self.lease = lease
            self.timer = timer
        }
    }

    /// Takes the dataset's lease; nil when another live worker holds it.
    public func acquire(_ dataset: String) throws -> DatasetLease? {
        guard let lease = try store.acquireLease(dataset: dataset, owner: owner, ttl: ttl) else { return nil }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let entry = Held(lease: lease, timer: timer)
        timer.schedule(deadline: .now() + heartbeat, repeating: heartbeat)
        timer.setEventHandler { [store, ttl] in
            if (try? store.renew(lease, ttl: ttl)) == false { entry.lost.withLock { $0 = true } }
        }
        timer.resume()
        held.withLock { $0[dataset] = entry }
        return lease
    }

    /// Stops the heartbeat and releases the lease (a failed release only lets it expire).
    public func release(_ dataset: String) {
        guard let entry = held.withLock({ $0.removeValue(forKey: dataset) }) else { return }
        entry.timer.cancel()
        try? store.release(entry.lease)
    }

    /// The fencing check: throws `leaseLost` when the dataset's lease expired and another
    /// worker took it over. A dataset this run holds no lease for (the catalog) passes.
    public func check(_ dataset: String) throws {
        guard let entry = held.withLock({ $0[dataset] }) else { return }
        let lost = entry.lost.withLock { $0 }
        if try lost || !store.holds(entry.lease) {
            throw ODPError.io("租约（lease）\(dataset)", "本进程的租约（令牌 token \(entry.lease.token)）已过期并被另一个进程接管（taken over）："
                + "为免重复发布，本进程停止处理该数据集，不再上传或写入上传记录；接管者会从上传记录续传").coded(.leaseLost)
        }
    }
}
