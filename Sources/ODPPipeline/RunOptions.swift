import Foundation
import ODPCore

/// How `odp run` was asked to run.
public struct RunOptions: Sendable {
    /// Release time: recorded in metadata only, never inside data files.
    public var runTime: Date
    /// Stop before upload.
    public var dryRun: Bool
    /// Only datasets whose 更新周期 says they are due.
    public var dueOnly: Bool
    /// Dataset ids or globs (`scjg-*`); empty = all.
    public var datasets: [String]
    /// Run datasets whose inputs are unchanged too (by default they are skipped).
    public var force: Bool
    /// Datasets run at once (`--jobs`); at least 1. Outputs are the same whatever it is.
    public var jobs: Int
    /// This process's shard of a sharded run (`--shard`): only the datasets the shard plan gives
    /// it, no open list.
    public var shard: ShardSelection?
    /// Build and upload the open list and DCAT after the datasets (not with `--no-catalog` or `--shard`).
    public var catalog: Bool

    /// - Parameter jobs: nil means one per core.
    public init(runTime: Date = Date(), dryRun: Bool = false, dueOnly: Bool = false, datasets: [String] = [], force: Bool = false,
                jobs: Int? = nil, shard: ShardSelection? = nil, catalog: Bool = true) {
        self.shard = shard
        self.catalog = catalog && shard == nil
        self.runTime = runTime
        self.dryRun = dryRun
        self.dueOnly = dueOnly
        self.datasets = datasets
        self.force = force
        self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Today's date in China Standard Time, for "not in the future" and age bands.
    public var runDate: CivilDateTime {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: runTime)
        return CivilDateTime(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!, second: c.second!)
    }

    public func selects(_ id: String) -> Bool {
        datasets.isEmpty || datasets.contains { fnmatch($0, id, 0) == 0 }
    }
}
