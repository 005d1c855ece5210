import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

extension ODP {
    struct Catalog: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build the open list (开放清单) and DCAT from every latest release on the output and upload them; runs no dataset.",
            discussion: """
            The last step of a sharded run (`odp run --shard i/N`, which leaves the catalog out), or of runs with --no-catalog. \
            With --wait-for it first waits until every dataset of that shard plan has finished in its job. \
            Exit codes as for `odp run`: 2 an entry withheld by the published-file gate; 3 the catalog not published, \
            or datasets of the plan unfinished at --timeout (the list is still built from the releases there are, ODP-E0011).

            Example (the catalog Job after the Indexed Job odp-shards-28391220):
              odp catalog --wait-for odp-shards-28391220 --shards 4 --timeout 7200
            """)

        @OptionGroup var pipeline: PipelineOptions

        @Option(name: .customLong("wait-for"), help: ArgumentHelp("Wait until every dataset of this shard plan (the Indexed Job's name) has finished in its job.", valueName: "PLAN_ID"))
        var waitFor: String?

        @Option(help: "The shard count of the job waited for (its completions; default: JOB_COMPLETIONS).")
        var shards: Int?

        @Option(help: "Seconds to wait with --wait-for before building the catalog anyway (exit 3).")
        var timeout: Double = 3600

        @Flag(help: "Print a JSON summary on stdout.")
        var json = false

        @Flag(help: "Only warnings and errors on stderr.")
        var quiet = false

        func validate() throws {
            guard let waitFor else {
                if shards != nil { throw ValidationError("--shards 只能与 --wait-for 一起使用 (--shards needs --wait-for) [\(ErrorCode.shard)]") }
                return
            }
            do { try ShardPlan.checkID(waitFor) } catch { throw ValidationError("\(ODPError.from(error))") }
            guard let count = shardCount, count >= 1 else {
                throw ValidationError("--wait-for 需要不小于 1 的分片总数：给出 --shards N（与 Indexed Job 的 completions 相同）或设置环境变量 JOB_COMPLETIONS [\(ErrorCode.shard)]")
            }
            guard timeout >= 0 else { throw ValidationError("--timeout 应为不小于 0 的秒数 (--timeout must not be negative) [\(ErrorCode.shard)]") }
        }

        private var shardCount: Int? { shards ?? ProcessInfo.processInfo.environment["JOB_COMPLETIONS"].flatMap { Int($0) } }

        func run() throws {
            let workspace = try Run.runnableWorkspace(pipeline)
            let stop = RunStopFlag()
            stop.install()
            defer { stop.uninstall() }
            let wait = waitFor.map { ShardWait(planID: $0, shards: shardCount ?? 1, timeout: timeout) }
            let summary: PipelineRunner.Summary
            do {
                summary = try PipelineRunner(workspace: workspace, options: RunOptions(), log: RunLog(logFile: workspace.layout.logFile, quiet: quiet),
                                             stop: stop).catalog(wait: wait)
            } catch { fail(error) }
            try Run.finish(summary, json: json, layout: workspace.layout)
        }
    }
}
