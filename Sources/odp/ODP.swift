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
          odp run --shard 0/4 --plan JOB  one shard of a sharded run (Kubernetes Indexed Job)
          odp catalog [--wait-for JOB --shards 4 --timeout 7200]   the open list and DCAT alone
          odp validate                    lint every definition (file:line:column: message)
          odp verify output/releases/sthj-air-quality-hourly/<version>
          odp preview scjg-individual-business
          odp status [--json]             each dataset's newest version, its state and what to do next
          odp withdraw DATASET [VERSION] --reason TEXT --by NAME   take it out of the open path (410)
          odp serve                       the local portal on http://127.0.0.1:8080/
          odp demo generate               regenerate the demo's department data
          odp keys generate --out DIR     make the Ed25519 key pair that signs releases

        Exit codes: 0 everything published or unchanged; 1 definition errors (odp.yml or a
        dataset definition), found before any dataset runs, or a request a command refuses
        (a dataset or version that does not exist, a held version to approve, an erratum or
        withdrawal it cannot record: the message's code says which); 2 some datasets held
        by a gate or awaiting approval (待审核); 3 failures (a source missing, unreadable,
        locked or unreachable, a key a dataset needs unreadable, a file over a source.limits
        limit, packaging or upload failed after retries); the other datasets still run.
        64 a wrong command line (unknown option, missing argument, a file odp.yml does not
        list, a --dataset glob that matches no dataset, a port out of range); 75 another
        odp run holds the run lock (nothing was done; run again later); 143 / 130 stopped
        by SIGTERM / SIGINT (the dataset in progress is abandoned; the run report and audit
        trail say so).
        """,
        version: ODPBuild.version,
        subcommands: [Run.self, Catalog.self, Validate.self, Preview.self, Approve.self, Reject.self, Serve.self, Verify.self, Status.self,
                      Audit.self, Erratum.self, Withdraw.self, Keys.self, Demo.self, Errors.self, Access.self, Feedback.self])

    /// Parses as ArgumentParser does (its own usage errors, help and exit codes), but an
    /// error a command throws goes through `fail`: every command's messages are coded and
    /// exit with the documented code, never ArgumentParser's bare `Error:` and exit 1.
    static func main() async {
        var command: ParsableCommand
        do { command = try await asyncParseAsRoot() } catch { exit(withError: error) }
        // `--help` and `help` parse as ArgumentParser's own commands, which end by throwing.
        let ours = String(reflecting: type(of: command)).hasPrefix("odp.")
        do {
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch let error where !ours || error is ExitCode || error is CleanExit {
            exit(withError: error)
        } catch {
            fail(error)
        }
    }
}

/// Options shared by commands that read a pipeline.
struct PipelineOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The global configuration (odp.yml).")
    var config: String = "pipelines/odp.yml"

    /// - Parameter openSources: open source files and read secrets too (see `Workspace.load`).
    func workspace(files: [String] = [], openSources: Bool = false) throws -> Workspace {
        guard FileManager.default.fileExists(atPath: config) else {
            throw ValidationError("找不到全局配置 \(config)（no pipeline configuration）；用 --config 路径 指定 [\(ErrorCode.configMissing)]")
        }
        return try Workspace.load(configPath: config, files: files, openSources: openSources)
    }
}

/// Prints an error the way data officers and cron mails should see it and exits with the
/// documented code. A definition error's lines already read `file:line:column: error: …`,
/// so they get no second `error:`; anything else is coded (`ODPError.from`), never a dump.
func fail(_ error: Error) -> Never {
    if error is ValidationError {
        let text = "\(error)"
        FileHandle.standardError.write(Data("错误（error）：\(text)\(text.hasSuffix("]") ? "" : " [\(ErrorCode.usage)]")\n".utf8))
        Foundation.exit(ODPExit.commandLine)
    }
    if error is RunLock.Conflict {
        FileHandle.standardError.write(Data("错误（error）：\(error) [\(ErrorCode.runLocked)]\n".utf8))
        Foundation.exit(ODPExit.locked)
    }
    let coded = ODPError.from(error)
    let text = coded.diagnostics.isEmpty ? "错误（error）：\(coded)" : coded.description
    FileHandle.standardError.write(Data((text + "\n").utf8))
    // A shard plan that disagrees with --shard is a wrong command line, as ODP-E0010 says.
    if let e = error as? ODPError, e.code == .shard { Foundation.exit(ODPExit.commandLine) }
    if let e = error as? ODPError, e.isDefinitionError { Foundation.exit(ODPExit.usage) }
    Foundation.exit(ODPExit.failure)
}
