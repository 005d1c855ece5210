import Foundation

/// `state/plans/<plan>.json`: which shard of a sharded run (`odp run --shard i/N`) runs which
/// dataset. Computed once per job by whichever shard (or `odp catalog --wait-for`) comes
/// first and stored with `StateStore.claimPlan`, so every shard of the job works from the same
/// assignment even though the costs it was computed from change while the shards run.
///
/// The bytes are deterministic: entries sorted by dataset id, costs rounded to milliseconds,
/// no wall-clock time.
public struct ShardPlan: Artifact, Equatable {
    public static let artifactName = "shard plan"
    public static let schemaVersion = 1

    /// Where a dataset's estimated cost came from, best first (see `docs/scaling.md`).
    public enum CostBasis: String, Codable, Sendable {
        /// The duration of its last run.
        case seconds
        /// The rows its last run read.
        case rows
        /// The size of its source files now.
        case sourceBytes = "source_bytes"
        /// Nothing known (a database source never run).
        case fallback = "default"
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var dataset: String
        /// 0-based, as `JOB_COMPLETION_INDEX`.
        public var shard: Int
        /// Estimated seconds.
        public var cost: Double
        public var basis: CostBasis

        public init(dataset: String, shard: Int, cost: Double, basis: CostBasis) {
            self.dataset = dataset
            self.shard = shard
            self.cost = cost
            self.basis = basis
        }
    }

    /// The plan id (`--plan`, or the Job's name through `ODP_JOB_ID`); empty for a plan computed
    /// locally without one.
    public var plan: String
    public var shards: Int
    public var datasets: [Entry]

    public init(plan: String, shards: Int, datasets: [Entry]) {
        self.plan = plan
        self.shards = shards
        self.datasets = datasets.sorted { $0.dataset < $1.dataset }
    }

    /// The datasets of shard `index`, sorted by id.
    public func datasets(of index: Int) -> [String] { datasets.filter { $0.shard == index }.map(\.dataset) }

    /// Each shard's summed estimated cost, by index.
    public var loads: [Double] {
        var out = Array(repeating: 0.0, count: shards)
        for e in datasets where e.shard < shards { out[e.shard] += e.cost }
        return out
    }

    /// Plan ids become file names (`state/plans/<id>.json`) and database keys: a Kubernetes Job
    /// name always passes.
    ///
    /// ## Errors
    /// `ODPError.usage` (ODP-E0010) naming the id.
    public static func checkID(_ id: String) throws {
        let allowed = id.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
        guard !id.isEmpty, id.utf8.count <= 200, allowed, !id.hasPrefix(".") else {
            throw ODPError.usage("分片计划名（plan id）`\(id)` 无效：只能含字母、数字、`.`、`_`、`-`，不以 `.` 开头，最长 200 字节").coded(.shard)
        }
    }
}
