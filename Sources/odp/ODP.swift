import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

@main
struct ODP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "odp",
        abstract: "ODP (开放数据发布流水线): extract, check (source values), desensitize (脱敏), package and publish open datasets.",
        discussion: """
        Examples:
          odp run                         run every dataset of pipelines/odp.yml
          odp run --dataset 'scjg-*' --dry-run
          odp validate                    lint every definition (file:line:column: message)
          odp verify output/releases/sthj-air-quality-hourly/<version>
          odp preview scjg-individual-business
          odp serve                       the local portal on http://127.0.0.1:8080/
          odp demo generate               regenerate the demo's department data
          odp keys generate --out DIR     make the Ed25519 key pair that signs releases

        Exit codes: 0 everything published or unchanged; 1 definition errors (odp.yml or a
        dataset definition), found before any dataset runs; 2 some datasets held by a gate or
        awaiting approval (待审核); 3 failures (a source missing, unreadable, locked or
        unreachable, a key a dataset needs unreadable, a file over a source.limits limit,
        packaging or upload failed after retries); the other datasets still run.
        64 a wrong command line (unknown option, missing argument, a file odp.yml does not
        list); 75 another odp run holds the run lock (nothing was done; run again later).
        """,
        version: "0.1.0",
        subcommands: [Run.self, Validate.self, Preview.self, Approve.self, Reject.self, Serve.self, Verify.self, Status.self,
                      Audit.self, Keys.self, Demo.self])
}

/// Options shared by commands that read a pipeline.
struct PipelineOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The global configuration (odp.yml).")
    var config: String = "pipelines/odp.yml"

    /// - Parameter openSources: open source files and read secrets too (see `Workspace.load`).
    func workspace(files: [String] = [], openSources: Bool = false) throws -> Workspace {
        guard FileManager.default.fileExists(atPath: config) else {
            throw ValidationError("no pipeline configuration at \(config) (use --config PATH)")
        }
        return try Workspace.load(configPath: config, files: files, openSources: openSources)
    }
}

/// Prints an error the way data officers and cron mails should see it and exits with the
/// documented code.
func fail(_ error: Error) -> Never {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    if error is ValidationError { Foundation.exit(ODPExit.commandLine) }
    if error is RunLock.Conflict { Foundation.exit(ODPExit.locked) }
    if let e = error as? ODPError, e.isDefinitionError { Foundation.exit(ODPExit.usage) }
    Foundation.exit(ODPExit.failure)
}
