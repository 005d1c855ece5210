import Foundation
import ODPCore

/// Which shard of a sharded run this process is (`odp run --shard i/N`), and the plan id its
/// job shares. Index and count follow Kubernetes' Indexed Job: `JOB_COMPLETION_INDEX` is
/// 0-based, `JOB_COMPLETIONS` the number of indices.
public struct ShardSelection: Sendable, Equatable {
    public var index: Int
    public var count: Int
    /// `--plan`, else `ODP_JOB_ID`; nil computes the plan locally (nothing shared).
    public var planID: String?

    public init(index: Int, count: Int, planID: String? = nil) {
        self.index = index
        self.count = count
        self.planID = planID
    }

    /// Parses `i/N` or `i` (N from `JOB_COMPLETIONS`), and the plan id from `plan` or `ODP_JOB_ID`.
    ///
    /// ## Errors
    /// `ODPError.usage` (ODP-E0010) saying which part is wrong and what was given.
    public static func parse(_ text: String, plan: String?, environment: [String: String]) throws -> ShardSelection {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count <= 2, let index = Int(parts[0]) else {
            throw usage("`--shard \(text)` 无效：应为 `序号/总数`（如 `--shard 0/4`，序号从 0 起）或只写序号（总数取自环境变量 JOB_COMPLETIONS）")
        }
        let count: Int
        if parts.count == 2 {
            guard let n = Int(parts[1]) else { throw usage("`--shard \(text)` 中的分片总数 `\(parts[1])` 不是整数") }
            count = n
        } else {
            guard let fromEnvironment = environment["JOB_COMPLETIONS"], !fromEnvironment.isEmpty else {
                throw usage("`--shard \(text)` 只给了序号，但没有设置环境变量 JOB_COMPLETIONS：请写成 `--shard \(text)/总数`")
            }
            guard let n = Int(fromEnvironment.trimmingCharacters(in: .whitespaces)) else {
                throw usage("环境变量 JOB_COMPLETIONS=`\(fromEnvironment)` 不是整数（分片总数）")
            }
            count = n
        }
        guard count >= 1 else { throw usage("`--shard \(text)`：分片总数须不小于 1，实为 \(count)") }
        guard index >= 0, index < count else {
            throw usage("`--shard \(text)`：分片序号须在 0 到 \(count - 1) 之间（从 0 起，如 JOB_COMPLETION_INDEX），实为 \(index)")
        }
        let id = plan ?? environment["ODP_JOB_ID"].flatMap { $0.isEmpty ? nil : $0 }
        if let id { try ShardPlan.checkID(id) }
        return ShardSelection(index: index, count: count, planID: id)
    }

    private static func usage(_ message: String) -> ODPError { ODPError.usage(message).coded(.shard) }

    /// `shard-1-of-4`, for file names and logs.
    public var label: String { "shard-\(index)-of-\(count)" }
}
