import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

extension ODP {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check pipeline definitions and report every problem as file:line:column: message.",
            discussion: """
            Besides the definitions, opens every source (columns, sheet, encoding; a PostgreSQL server it \
            cannot reach is a warning), warns when a sample of 200 rows holds date or date-time values \
            that would not parse, and reads every configured secret (pseudonym and signing keys, target credentials), naming the key and \
            where it was looked for, never its value. `odp run` leaves those to each dataset, failing only \
            the datasets that need them (exit 3). Exit 0 when clean, 1 when any error is found. Warnings do not fail.
            """)

        @OptionGroup var pipeline: PipelineOptions

        @Argument(help: "Dataset definition files (default: every dataset of the configuration).")
        var paths: [String] = []

        func run() throws {
            let workspace: Workspace
            do { workspace = try pipeline.workspace(files: paths, openSources: true) } catch let error as ODPError {
                for d in error.diagnostics { print(d) }
                if error.diagnostics.isEmpty { print("错误（error）：\(error)") }  // diagnostics print their own `error:`
                throw ExitCode(ODPExit.usage)
            }
            for d in workspace.diagnostics { print(d) }
            let errors = workspace.errors.count
            let warnings = workspace.diagnostics.count - errors
            FileHandle.standardError.write(Data("已检查 \(workspace.definitions.count) 个数据集定义（definitions checked）：错误 \(errors) 个（errors），警告 \(warnings) 个（warnings）\n".utf8))
            if errors > 0 { throw ExitCode(ODPExit.usage) }
        }
    }
}
