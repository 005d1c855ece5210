import Foundation
import ODPCore

/// Assigns datasets to the shards of a sharded run: deterministic (the same inputs give the
/// same plan, in whatever order they come) and balanced by each dataset's estimated cost with
/// longest-processing-time-first greedy.
///
/// A dataset's cost, best evidence first:
/// 1. the wall time of its last run (`DatasetState.lastSeconds`);
/// 2. the rows its last run read, at `rowsPerSecond`;
/// 3. the size of its source files now, at `bytesPerSecond`;
/// 4. `fallbackSeconds` (a database source that never ran).
///
/// Datasets linked by `reference` rules go to one shard together (as one unit costing their
/// sum): a referencing dataset must run after the dataset it checks against, and only one
/// process orders them.
public struct ShardPlanner {
    /// The first run's throughput at 2,000 datasets in docs/scaling.md (1,719 rows/s).
    public static let rowsPerSecond = 1_700.0
    /// The benchmark's rows average 52 bytes of CSV (10.8 MB for 209,200 rows).
    public static let bytesPerSecond = rowsPerSecond * 52
    /// The per-dataset cost of a first run at 2,000 datasets (0.61 s), rounded up.
    public static let fallbackSeconds = 1.0

    /// The datasets to plan, with every definition of the workspace (for the reference links).
    let candidates: [DatasetDefinition]
    let all: [DatasetDefinition]

    public init(candidates: [DatasetDefinition], all: [DatasetDefinition]) {
        // By id, so the plan does not depend on the order the datasets came in.
        self.candidates = candidates.sorted { $0.id < $1.id }
        self.all = all
    }

    /// The plan for `shards` shards, from the costs `store` holds now.
    public func plan(id: String, shards: Int, store: StateStore) throws -> ShardPlan {
        let costs = try candidates.map { try Self.cost(of: $0, state: store.datasetState($0.id)) }
        let units = Self.units(candidates, all: all)
        let bins = Self.assign(costs: units.map { $0.reduce(0) { $0 + costs[$1].seconds } },
                               names: units.map { $0.map { candidates[$0].id }.min() ?? "" }, shards: shards)
        var entries: [ShardPlan.Entry] = []
        for (u, members) in units.enumerated() {
            for i in members {
                entries.append(ShardPlan.Entry(dataset: candidates[i].id, shard: bins[u], cost: (costs[i].seconds * 1000).rounded() / 1000,
                                               basis: costs[i].basis))
            }
        }
        return ShardPlan(plan: id, shards: shards, datasets: entries)
    }

    /// Longest processing time first: units by cost, largest first (ties by name), each to the
    /// shard with the least load so far (ties to the lowest index). Returns each unit's shard.
    public static func assign(costs: [Double], names: [String], shards: Int) -> [Int] {
        precondition(costs.count == names.count && shards >= 1)
        let order = costs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : names[$0] < names[$1] }
        var loads = Array(repeating: 0.0, count: shards)
        var bins = Array(repeating: 0, count: costs.count)
        for u in order {
            let shard = loads.indices.min { loads[$0] != loads[$1] ? loads[$0] < loads[$1] : $0 < $1 }!
            bins[u] = shard
            loads[shard] += costs[u]
        }
        return bins
    }

    static func cost(of definition: DatasetDefinition, state: DatasetState?) -> (seconds: Double, basis: ShardPlan.CostBasis) {
        if let seconds = state?.lastSeconds, seconds > 0 { return (seconds, .seconds) }
        if let rows = state?.lastRows, rows > 0 { return (Double(rows) / rowsPerSecond, .rows) }
        var status = stat()
        if let path = definition.source.path, stat(definition.resolve(path).path, &status) == 0, status.st_size > 0 {
            return (Double(status.st_size) / bytesPerSecond, .sourceBytes)
        }
        return (fallbackSeconds, .fallback)
    }

    /// The candidates grouped by `reference` links (either direction), each group's indices
    /// ascending, groups in order of their first member.
    static func units(_ candidates: [DatasetDefinition], all: [DatasetDefinition]) -> [[Int]] {
        var parent = Array(candidates.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        for (i, targets) in ReferenceGraph(candidates, known: all).edges.enumerated() {
            for j in targets {
                let (a, b) = (root(i), root(j))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in candidates.indices { groups[root(i), default: []].append(i) }
        return groups.keys.sorted().map { groups[$0]! }
    }
}
