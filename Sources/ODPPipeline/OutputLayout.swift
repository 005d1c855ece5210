import Foundation

/// Where a run writes, as DESIGN.md lays it out. One place, so no stage invents a path.
public struct OutputLayout: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public var releases: URL { root.appendingPathComponent("releases") }
    public var catalog: URL { root.appendingPathComponent("catalog") }
    public var state: URL { root.appendingPathComponent("state") }
    public var lockFile: URL { state.appendingPathComponent("run.lock") }
    /// One process per shard index at a time (a retried pod waits for none: the old one is gone).
    public func shardLock(_ shard: ShardSelection) -> URL { state.appendingPathComponent("run-\(shard.label).lock") }
    public var auditLog: URL { state.appendingPathComponent("audit.jsonl") }
    public var runsDirectory: URL { state.appendingPathComponent("runs") }
    public var logFile: URL { state.appendingPathComponent("logs/odp.jsonl") }
    public var metricsFile: URL { state.appendingPathComponent("metrics/odp.prom") }
    public var approvals: URL { state.appendingPathComponent("approvals.json") }
    public func staging(_ dataset: String) -> URL { state.appendingPathComponent("staging/\(dataset).sqlite") }
    /// 问题数据清单: rows the department must correct. Holds source values: never published.
    public func feedback(_ dataset: String) -> URL { state.appendingPathComponent("feedback/\(dataset).csv") }
    public var scratch: URL { state.appendingPathComponent("tmp") }
}
