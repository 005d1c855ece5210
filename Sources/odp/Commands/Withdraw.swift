import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

extension ODP {
    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw (撤回) a published dataset or version: out of the open list, the portal (410 with the reason), downloads and every upload target.",
            discussion: """
            odp withdraw DATASET [VERSION] --reason TEXT --by NAME    withdraw one version, or the dataset and all its versions
            odp withdraw DATASET --restore --reason TEXT --by NAME    let odp run make new versions of a withdrawn dataset again
            odp withdraw DATASET --list [--json]                      the dataset's withdrawals
            The reason is published (410 pages, feeds): it is scanned for personal data first. The files move to the
            private quarantine output/state/withdrawn/; a tombstone keeps the version number. Running the same
            withdrawal again does nothing new but finishes one that was interrupted.
            Exit codes: 0 done (or already withdrawn); 1 refused (ODP-E0501 no such published version, ODP-E0504 reason,
            --by or --restore refused); 3 withdrawn here, but the open list could not be rebuilt or a target not
            reached (run the same command again: each target is done once); 64 a wrong command line;
            75 an odp run holds the run lock (nothing was done).
            """)
        @OptionGroup var pipeline: PipelineOptions
        @Argument(help: "Dataset id.") var dataset: String
        @Argument(help: "The published version to withdraw; none withdraws the whole dataset.") var version: String?
        @Option(help: "Why, in Chinese (published with the 410 and in the feeds).") var reason: String?
        @Option(help: "Who withdraws it (audit trail only, not published).") var by: String?
        @Flag(help: "Lift the dataset's withdrawal: odp run makes new versions again (withdrawn versions stay withdrawn).") var restore = false
        @Flag(help: "List the dataset's withdrawals.") var list = false
        @Flag(help: "JSON output (with --list).") var json = false

        func validate() throws {
            if list { return }
            guard let reason, !reason.isEmpty else { throw ValidationError("--reason is required: why it is withdrawn (published)") }
            guard let by, !by.isEmpty else { throw ValidationError("--by is required: who withdraws it") }
            if restore, version != nil { throw ValidationError("--restore lifts a whole-dataset withdrawal: give no VERSION") }
        }

        func run() throws {
            let workspace: Workspace
            do { workspace = try pipeline.workspace() } catch { fail(error) }
            let book = WithdrawalBook(layout: workspace.layout)
            if list { return try printList(book) }
            let lock = RunLock(url: workspace.layout.lockFile)
            let withdrawal: Withdrawal
            do {
                try lock.acquire()
                defer { lock.release() }
                withdrawal = try applyLocally(book)
            } catch { fail(error) }
            // The open list, DCAT (and the portal, which reads them) without it, at once.
            let catalogProblem = rebuildCatalog(workspace)
            try applyToTargets(withdrawal, workspace: workspace)
            if let catalogProblem {
                FileHandle.standardError.write(Data("错误（error）：已撤回，但开放清单未能重建（catalog not rebuilt）：\(catalogProblem)；请运行 odp catalog\n".utf8))
                throw ExitCode(ODPExit.failure)
            }
        }

        /// Records the withdrawal (or the restore) and takes the files out of the output folder.
        private func applyLocally(_ book: WithdrawalBook) throws -> Withdrawal {
            if restore {
                let w = try book.restore(dataset: dataset, reason: reason!, by: by!)
                print("\(dataset)：已恢复（\(w.number) 解除），下次 odp run 会生成新版本；已撤回的版本仍保持撤回")
                return w
            }
            let withdrawal: Withdrawal
            switch try book.record(dataset: dataset, version: version, reason: reason!, by: by!) {
            case .new(let w):
                withdrawal = w
                print("\(w.number)：已记录撤回 \(dataset) \(w.version.map { "版本 \($0)" } ?? "（整个数据集）")")
            case .already(let w):
                withdrawal = w
                let whole = w.version == nil && version != nil ? "整个数据集已于 \(BeijingTime.text(w.recorded)) 撤回" : "已于 \(BeijingTime.text(w.recorded)) 撤回"
                print("\(dataset)\(version.map { " 版本 \($0)" } ?? "")：\(whole)（\(w.number)），无需重复（already withdrawn）")
            }
            let moved = try book.apply(dataset: dataset)
            for v in moved { print("  版本 \(v)：文件已移入隔离区 \(book.quarantineFolder(dataset).path)，原位置留有撤回标记 WITHDRAWN.json") }
            return withdrawal
        }

        /// The catalog step of `odp run` (open list, DCAT, their upload); nil when it worked.
        private func rebuildCatalog(_ workspace: Workspace) -> String? {
            guard workspace.errors.isEmpty else { return "定义有错误，先用 odp validate 修正" }
            do {
                let summary = try PipelineRunner(workspace: workspace, options: RunOptions(), log: RunLog(logFile: workspace.layout.logFile, quiet: true))
                    .catalog(wait: nil)
                return summary.catalogError
            } catch { return "\(ODPError.from(error))" }
        }

        /// Propagates the withdrawal to every upload target (CKAN, database, dir, SFTP, FTP,
        /// HTTP), each target and version exactly once (journaled): a re-run of the same
        /// `odp withdraw` finishes what a fault or a kill left.
        private func applyToTargets(_ withdrawal: Withdrawal, workspace: Workspace) throws {
            guard !workspace.config.targets.isEmpty else { return }
            do {
                let runner = PipelineRunner(workspace: workspace, options: RunOptions(), log: RunLog(logFile: workspace.layout.logFile, quiet: true))
                let receipts = try runner.propagate(withdrawal)
                let targets = Set(receipts.map(\.target)).sorted()
                print("  上传目标：已同步撤回（withdrawn on targets）\(targets.joined(separator: "、"))，本次新写入 \(receipts.filter(\.newlyUploaded).count) 项")
            } catch {
                FileHandle.standardError.write(Data("错误（error）：已在本地撤回，但未能同步到全部上传目标：\(ODPError.from(error))；修复后重新运行同一条 odp withdraw\n".utf8))
                throw ExitCode(ODPExit.failure)
            }
        }

        private func printList(_ book: WithdrawalBook) throws {
            let withdrawals = try book.list(dataset: dataset)
            if json { return print(String(decoding: try ArtifactCodec.encode(WithdrawalList(withdrawals: withdrawals)), as: UTF8.self), terminator: "") }
            if withdrawals.isEmpty { return print("\(dataset)：没有撤回") }
            for w in withdrawals {
                let restored = w.restored.map { "，已于 \(BeijingTime.text($0)) 恢复" } ?? ""
                print("\(w.number)  \(w.version.map { "版本 \($0)" } ?? "整个数据集")  \(BeijingTime.text(w.recorded))  \(w.by)\(restored)\n    \(w.reason)")
            }
        }
    }
}
