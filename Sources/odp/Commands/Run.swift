import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

extension ODP {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every stage for the selected datasets (extract → check → 脱敏 → package → upload).",
            discussion: "Safe to re-run: unchanged data makes no new version and uploads nothing.")

        @OptionGroup var pipeline: PipelineOptions

        @Argument(help: "Dataset definition files to run (default: every dataset odp.yml lists). The open-data list still covers every dataset.")
        var definitions: [String] = []

        @Option(name: .customLong("dataset"), help: "Only datasets whose id matches (glob, repeatable).")
        var datasets: [String] = []

        @Flag(help: "Only datasets whose 更新周期 says they are due since their last good release.")
        var due = false

        @Flag(help: "Stop before upload.")
        var dryRun = false

        @Flag(help: "Run datasets whose source, definition, code tables and keys are unchanged too (by default they are skipped).")
        var force = false
        @Option(help: "Datasets run at once (default: the number of cores). Outputs are the same whatever it is.")
        var jobs: Int?

        @Option(help: ArgumentHelp("This process's shard of a sharded run: i/N, i from 0 (Kubernetes' JOB_COMPLETION_INDEX); `--shard i` takes N from JOB_COMPLETIONS. Runs only the datasets the shard plan gives it; implies --no-catalog.",
                                   valueName: "i/N"))
        var shard: String?

        @Option(help: ArgumentHelp("The shard plan every shard of one job shares (default: the ODP_JOB_ID environment variable). Without one, each shard computes the plan itself.",
                                   valueName: "ID"))
        var plan: String?

        @Flag(help: "Do not build or upload the open list and DCAT (`odp catalog` does it later).")
        var noCatalog = false

        @Flag(help: "Print a JSON summary on stdout.")
        var json = false

        @Flag(help: "Only warnings and errors on stderr.")
        var quiet = false

        func validate() throws {
            if let jobs, jobs < 1 { throw ValidationError("--jobs 应为不小于 1 的整数 (--jobs must be at least 1), got \(jobs)") }
            if plan != nil, shard == nil { throw ValidationError("--plan 只能与 --shard 一起使用 (--plan needs --shard) [\(ErrorCode.shard)]") }
            _ = try shardSelection()
        }

        /// `--shard` and `--plan` (or `ODP_JOB_ID`), parsed; nil without `--shard`.
        private func shardSelection() throws -> ShardSelection? {
            guard let shard else { return nil }
            do { return try ShardSelection.parse(shard, plan: plan, environment: ProcessInfo.processInfo.environment) } catch {
                throw ValidationError("\(ODPError.from(error))")
            }
        }

        /// The pipeline's workspace; definition errors are printed and end the command with exit 1.
        static func runnableWorkspace(_ pipeline: PipelineOptions) throws -> Workspace {
            let workspace: Workspace
            do { workspace = try pipeline.workspace() } catch { fail(error) }
            if !workspace.errors.isEmpty {
                for d in workspace.diagnostics { FileHandle.standardError.write(Data("\(d)\n".utf8)) }
                throw ExitCode(ODPExit.usage)
            }
            return workspace
        }

        /// Prints the summary (or its JSON) and ends the command with its exit code.
        static func finish(_ summary: PipelineRunner.Summary, json: Bool, layout: OutputLayout) throws -> Never {
            if json {
                print(String(decoding: try RunSummaryJSON(summary).encoded(), as: UTF8.self))
            } else {
                printSummary(summary, layout: layout)
            }
            throw ExitCode(summary.exitCode)
        }

        func run() throws {
            let workspace = try Self.runnableWorkspace(pipeline)
            let log = RunLog(logFile: workspace.layout.logFile, quiet: quiet)
            var datasets = self.datasets
            for path in definitions {
                let wanted = URL(fileURLWithPath: path).standardizedFileURL.path
                guard let match = workspace.definitions.first(where: { URL(fileURLWithPath: $0.file).standardizedFileURL.path == wanted }) else {
                    FileHandle.standardError.write(Data("错误（error）：\(notListed(path)) [\(ErrorCode.usage)]\n".utf8))
                    throw ExitCode(ODPExit.commandLine)
                }
                datasets.append(match.id)
            }
            // A mistyped id or glob would otherwise run nothing and exit 0, unnoticed in cron.
            for pattern in self.datasets where !workspace.definitions.contains(where: { RunOptions(datasets: [pattern]).selects($0.id) }) {
                FileHandle.standardError.write(Data("错误（error）：--dataset \(pattern) 不匹配任何数据集（matches no dataset）；odp.yml 中的数据集：\(workspace.definitions.map(\.id).sorted().joined(separator: ", ")) [\(ErrorCode.usage)]\n".utf8))
                throw ExitCode(ODPExit.commandLine)
            }
            let summary: PipelineRunner.Summary
            // SIGTERM/SIGINT stop the run between batches instead of killing it mid-write.
            let stop = RunStopFlag()
            stop.install()
            defer { stop.uninstall() }
            do {
                summary = try PipelineRunner(workspace: workspace, options: RunOptions(dryRun: dryRun, dueOnly: due, datasets: datasets, force: force, jobs: jobs,
                                                                                        shard: try shardSelection(), catalog: !noCatalog),
                                             log: log, stop: stop).run()
            } catch { fail(error) }
            try Self.finish(summary, json: json, layout: workspace.layout)
        }

        /// `odp validate FILE` checks any file; `odp run` runs only what odp.yml lists, so say how to list it.
        private func notListed(_ path: String) -> String {
            let folder = URL(fileURLWithPath: pipeline.config).deletingLastPathComponent().standardizedFileURL.path + "/"
            let full = URL(fileURLWithPath: path).standardizedFileURL.path
            let entry = full.hasPrefix(folder) ? String(full.dropFirst(folder.count)) : full
            return "\(path) 不在 \(pipeline.config) 的数据集清单（datasets:）中，odp run 只运行清单里的数据集（dataset definitions listed in odp.yml）。"
                + "请在 \(pipeline.config) 的 datasets: 中加入一行 `- \(entry)`（路径相对于 odp.yml 所在目录），再运行；"
                + "`odp validate \(path)` 可先检查该文件"
        }

        /// Also `odp catalog`'s summary.
        static func printSummary(_ summary: PipelineRunner.Summary, layout: OutputLayout) {
            print("")
            for o in summary.outcomes {
                let version = o.version.map { " \($0)" } ?? ""
                let unreadable = o.counts.unreadable > 0 ? "，其中无法读取 \(o.counts.unreadable) 行 unreadable" : ""
                print("  \(o.dataset)\(version)：\(o.status.label)，读取 \(o.rowsRead) 行（rows read），剔除 \(o.rowsRejected) 行（rejected\(unreadable)），"
                    + "问题数据 \(o.counts.problemEntries) 条（problem entries），发布 \(o.rowsReleased) 行（released），用时 \(String(format: "%.2f", o.seconds)) 秒")
                for reason in o.reasons { print("      - \(reason)") }
                if let error = o.error { print("      - \(error)") }
                if o.status == .held {
                    print("      → 查看：odp preview \(o.dataset)；文件：\(layout.root.appendingPathComponent("held/releases/\(o.dataset)").path)/；问题数据清单：\(layout.feedback(o.dataset).path)")
                }
            }
            if let signal = summary.signal {
                print("\n运行被 \(signal.name) 中断（interrupted by \(signal.name)）：没有留下半成品版本，开放清单未更新；退出码 \(summary.exitCode)")
            }
            if let error = summary.catalogError, summary.signal == nil { print("  开放清单（catalog）未发布：\(error)") }
            for orphan in summary.orphans { print("  警告 warning: \(orphan.message)") }
            for problem in summary.reportingErrors { print("  报告写入失败（reporting failed）：\(problem)") }
            print("\n输出目录（output）：\(layout.root.path)（开放清单：catalog/open-list.html）")
            if let report = summary.reportURL { print("运行报告（run report）：\(report.path)") }
        }
    }
}
