import Foundation
import ODPCore

extension PipelineRunner {
    /// This shard's datasets, from the plan its job shares. The plan covers the datasets the
    /// name filters select (`--dataset`, definition files), not `--due` or the unchanged skip:
    /// those depend on state the other shards are changing, and each shard applies them to its
    /// own datasets as an unsharded run does.
    ///
    /// ## Errors
    /// `ODPError.usage` (ODP-E0010) when the stored plan has another number of shards.
    func shardDatasets(_ shard: ShardSelection, store: StateStore) throws -> [String] {
        let candidates = workspace.runOrder.filter { options.selects($0.id) }
        let plan = try sharedPlan(id: shard.planID, shards: shard.count, candidates: candidates, store: store)
        guard plan.shards == shard.count else {
            throw ODPError.usage("分片计划 \(shard.planID ?? "") 按 \(plan.shards) 个分片保存，本次运行为 --shard \(shard.index)/\(shard.count)："
                + "同一作业的所有分片须使用相同的分片总数（completions）").coded(.shard)
        }
        let selected = Set(candidates.map(\.id))
        if Set(plan.datasets.map(\.dataset)) != selected {
            log.log(.warning, "shard plan \(plan.plan) covers other datasets than this run selects: running the plan's datasets of this shard that it selects")
        }
        let mine = plan.datasets(of: shard.index).filter(selected.contains)
        log.log(.info, "\(shard.label): \(mine.count) of \(plan.datasets.count) datasets, estimated "
                + String(format: "%.1f", plan.loads[shard.index]) + " s of " + String(format: "%.1f", plan.loads.reduce(0, +)) + " s")
        return mine
    }

    /// The plan stored under `id`, or this process's proposal when it is the first to ask
    /// (or when there is no id: then it is computed here and shared with no one).
    func sharedPlan(id: String?, shards: Int, candidates: [DatasetDefinition], store: StateStore) throws -> ShardPlan {
        let proposed = try ShardPlanner(candidates: candidates, all: workspace.definitions).plan(id: id ?? "", shards: shards, store: store)
        guard let id else {
            log.log(.warning, "no plan id (--plan or ODP_JOB_ID): the shard plan is computed locally from this moment's state, "
                    + "so shards that start later may disagree about which shard runs a dataset")
            return proposed
        }
        let stored = try store.claimPlan(id: id, proposed: ArtifactCodec.encode(proposed))
        return try ArtifactCodec.decode(ShardPlan.self, from: stored, file: "state/plans/\(id).json")
    }
}
