import Foundation
import ODPCore

/// Counts downloads and rows API calls per dataset and version in memory and adds them to
/// `state/usage.json` in batches: at most once per `interval` seconds (on the next counted
/// request after it) and when the portal stops, so the file's write rate stays bounded
/// however busy the portal is. Nothing about the client is kept.
final class UsageCounter: @unchecked Sendable {
    enum Use { case download, api }

    let file: URL
    let interval: UInt64
    private let lock = NSLock()
    private var pending: [String: [String: UsageCounts.Count]] = [:]
    private var lastWrite: UInt64
    /// The file as last read, with its stamp: a dataset page shows counts, and decoding the
    /// catalog-wide file on every page view grew with the catalog.
    private var read: (stamp: PortalIndexCache.Stamp, counts: UsageCounts)?

    init(state: URL, interval: Double = 30, now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        file = state.appendingPathComponent(UsageCounts.fileName)
        self.interval = UInt64(max(0, interval) * 1e9)
        lastWrite = now
    }

    func count(_ dataset: String, _ version: String, _ use: Use, now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        let due: Bool = lock.withLock {
            var c = pending[dataset, default: [:]][version, default: UsageCounts.Count()]
            switch use {
            case .download: c.downloads += 1
            case .api: c.apiCalls += 1
            }
            pending[dataset, default: [:]][version] = c
            return now &- lastWrite >= interval
        }
        if due { flush(now: now) }
    }

    /// Adds what was counted since the last write to the file (under its lock, so several
    /// portals on one output add up). A failed write keeps the counts for the next try.
    func flush(now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        let batch: [String: [String: UsageCounts.Count]] = lock.withLock {
            defer { pending = [:]; lastWrite = now }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try ArtifactCodec.update(UsageCounts.self, at: file, empty: UsageCounts()) { $0.add(batch) }
        } catch {
            lock.withLock { var counts = UsageCounts(datasets: pending); counts.add(batch); pending = counts.datasets }
        }
    }

    /// The file's counts plus those not written yet.
    func current() -> UsageCounts {
        let stamp = PortalIndexCache.Stamp(file.path)
        var counts: UsageCounts
        if let known = lock.withLock({ read }), known.stamp == stamp {
            counts = known.counts
        } else {
            counts = UsageCounts.read(state: file.deletingLastPathComponent())
            lock.withLock { read = (stamp, counts) }
        }
        counts.add(lock.withLock { pending })
        return counts
    }
}
