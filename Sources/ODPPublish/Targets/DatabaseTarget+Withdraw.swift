import Foundation
import ODPCore
import ODPPostgres

extension DatabaseTarget {
    /// Takes withdrawn versions out of the exchange database in one transaction: each
    /// version's table is dropped (the data must stop being served; the release files stay
    /// in ODP's output for the record), its `odp_versions` row becomes `withdrawn` with the
    /// withdrawal's number, reason and date, and the view moves to the newest version still
    /// loaded, or goes when none is left. Withdrawing the whole dataset (`version` nil) takes
    /// every version it has here and marks its `odp_datasets` row withdrawn too.
    ///
    /// ## Edge behaviour
    /// Idempotent: a version already withdrawn, or never loaded here, is left as it is, so a
    /// repeated call writes nothing.
    func withdraw(_ withdrawal: Withdrawal, versions: [String]) throws {
        let c = try connect()
        try withDatasetLock(c, withdrawal.dataset) {
            try transaction(c) {
                var targets = Set(versions)
                if let v = withdrawal.version { targets.insert(v) }
                if withdrawal.version == nil {
                    let all = try c.rows("SELECT version FROM \(table("odp_versions")) WHERE dataset = $1", parameters: [withdrawal.dataset],
                                         doing: "读取 odp_versions 失败")
                    targets.formUnion(all.compactMap { $0[0] })
                }
                let marks = [withdrawal.dataset, withdrawal.number, withdrawal.reason, withdrawal.recorded]
                var drop: [String] = []
                for version in targets.sorted() {
                    drop.append(DatabaseNames.staging(withdrawal.dataset, version))
                    guard let row = try versionRow(c, dataset: withdrawal.dataset, version: version), row.status != "withdrawn" else { continue }
                    drop.append(row.table)
                    try c.command("""
                        UPDATE \(table("odp_versions")) SET status = 'withdrawn', withdrawal = $2, withdrawn_reason = $3, withdrawn_at = $4
                        WHERE dataset = $1 AND version = $5
                        """, parameters: marks + [version], doing: "写入撤回记录失败")
                }
                if withdrawal.version == nil {
                    try c.command("""
                        UPDATE \(table("odp_datasets")) SET status = 'withdrawn', withdrawal = $2, withdrawn_reason = $3, withdrawn_at = $4, updated = now()
                        WHERE dataset = $1 AND status <> 'withdrawn'
                        """, parameters: marks, doing: "写入撤回记录失败")
                }
                // The view first: it depends on the table it shows.
                try repoint(dataset: withdrawal.dataset, title: nil, c)
                for name in drop {
                    try c.command("DROP TABLE IF EXISTS \(table(name))", doing: "删除撤回版本的表失败（drop table failed）")
                }
            }
        }
    }
}

extension DatabaseTarget {
    /// `PublishTarget.withdraw`: the versions not confirmed yet, in one transaction, then
    /// each confirmed in the journal.
    func withdraw(_ job: WithdrawJob, session: WithdrawSession) throws {
        guard !job.pending.isEmpty else { return }
        try withdraw(job.withdrawal, versions: job.pending)
        for version in job.pending {
            try session.confirm(version, remote: "\(origin) \(table("odp_versions")) \(job.dataset) \(version)")
        }
    }
}
