import Foundation
import ODPPipeline
import Testing

@Suite("odp run on the command line")
struct RunCommandTests {
    @Test("definition files name the datasets to run; the open list keeps every released dataset",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func definitionArguments() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let logs = fixture.root
        let air = fixture.root.appendingPathComponent("pipelines/demo/sthj-air-quality-hourly.yml").path
        let one = try await OdpCommand.run(["run", "--quiet", "--config", fixture.configPath, air], logs: logs)
        #expect(one.status == ODPExit.success, "\(one.stderr)")
        let released = try FileManager.default.contentsOfDirectory(atPath: fixture.output.appendingPathComponent("releases").path)
        #expect(released == ["sthj-air-quality-hourly"])
        // After a full run, running one dataset rewrites the open list with all released ones.
        #expect(try await OdpCommand.run(["run", "--quiet", "--config", fixture.configPath], logs: logs).status == ODPExit.held)
        #expect(try await OdpCommand.run(["run", "--quiet", "--config", fixture.configPath, air], logs: logs).status == ODPExit.success)
        let list = try String(contentsOf: fixture.output.appendingPathComponent("catalog/open-list.csv"), encoding: .utf8)
        #expect(list.split(whereSeparator: \.isNewline).count == 4, "header and the three released datasets: \(list)")

        // A file odp.yml does not list: a command-line error (64) that says which line to add.
        // (`demo/*.yml` lists the demo folder's .yml files; a .yaml beside them is not listed.)
        let unlisted = fixture.root.appendingPathComponent("pipelines/demo/air-copy.yaml")
        try FileManager.default.copyItem(atPath: air, toPath: unlisted.path)
        let refused = try await OdpCommand.run(["run", "--config", fixture.configPath, unlisted.path], logs: logs)
        #expect(refused.status == ODPExit.commandLine)
        #expect(refused.stderr.contains("datasets:") && refused.stderr.contains("`- demo/air-copy.yaml`") && refused.stderr.contains("[ODP-E0001]"), "\(refused.stderr)")
        let validated = try await OdpCommand.run(["validate", "--config", fixture.configPath, unlisted.path], logs: logs)
        #expect(validated.status == ODPExit.success, "\(validated.stdout) \(validated.stderr)")
    }

    @Test("every command that reads a pipeline takes --config; odp verify finds a dataset's newest release through it",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func configEverywhere() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let logs = fixture.root
        let air = fixture.root.appendingPathComponent("pipelines/demo/sthj-air-quality-hourly.yml").path
        #expect(try await OdpCommand.run(["run", "--quiet", "--config", fixture.configPath, air], logs: logs).status == ODPExit.success)
        let verified = try await OdpCommand.run(["verify", "--config", fixture.configPath, "sthj-air-quality-hourly"], logs: logs)
        #expect(verified.status == ODPExit.success, "\(verified.stdout) \(verified.stderr)")
        #expect(verified.stdout.contains("个文件（file(s) verified），失败 0 个（failure(s)）"), "\(verified.stdout)")
        let missing = try await OdpCommand.run(["verify", "--config", fixture.configPath, "no-such-dataset"], logs: logs)
        #expect(missing.status == ODPExit.usage && missing.stderr.contains("no-such-dataset") && missing.stderr.contains("[ODP-E0501]"),
                "\(missing.stderr)")
        for command in [["status"], ["audit", "verify"], ["validate"], ["preview", "sthj-air-quality-hourly"]] {
            let result = try await OdpCommand.run(command + ["--config", fixture.configPath], logs: logs)
            #expect(result.status != ODPExit.commandLine, "\(command) --config: \(result.stderr)")
        }
        let usage = try await OdpCommand.run(["run", "--no-such-option", "--config", fixture.configPath], logs: logs)
        #expect(usage.status == ODPExit.commandLine)
    }

    @Test("README's exit-code table and command list match odp --help",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func helpMatchesReadme() async throws {
        let readme = try String(contentsOf: DemoFixture.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let help = try await OdpCommand.run(["--help"], logs: FileManager.default.temporaryDirectory)
        let text = help.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ")
        let table = readme.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.dropFirst(2).first?.isNumber == true }
            .compactMap { Int32($0.dropFirst(2).prefix { $0.isNumber }) }
        #expect(table == [0, 1, 2, 3, 64, 75, 130, 143], "README exit codes \(table)")
        for code in table { #expect(text.contains(" \(code) "), "odp --help does not explain exit code \(code)") }
        let exits: [Int32] = [ODPExit.success, ODPExit.usage, ODPExit.held, ODPExit.failure, ODPExit.commandLine, ODPExit.locked,
                              ODPExit.interrupted, ODPExit.terminated]
        #expect(exits == table)
        // Every subcommand --help lists is in README's command block, and the other way round.
        // Subcommand lines are indented two spaces; wrapped descriptions further.
        let commands = help.stdout.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("SUBCOMMANDS") }.dropFirst()
            .prefix { !$0.isEmpty }.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(commands.count >= 10, "\(help.stdout)")
        let block = readme.components(separatedBy: "## Commands").last?.components(separatedBy: "```")[1] ?? ""
        let documented = Set(block.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("odp ") else { return nil }
            return line.split(separator: " ")[1].description
        })
        #expect(Set(commands) == documented, "--help \(commands.sorted()) README \(documented.sorted())")
        // Every option a command's own --help lists is in README's command block (`--config`
        // is said once, below the block, for every command that reads a pipeline).
        for command in [["run"], ["catalog"], ["validate"], ["preview"], ["approve"], ["reject"], ["serve"], ["verify"], ["status"],
                        ["audit", "verify"], ["erratum"], ["withdraw"], ["keys", "generate"], ["demo", "generate"], ["errors"],
                        ["access", "list"], ["access", "approve"], ["access", "reject"], ["access", "revoke"], ["access", "purge"]] {
            let own = try await OdpCommand.run(command + ["--help"], logs: FileManager.default.temporaryDirectory)
            #expect(own.status == ODPExit.success, "\(command) --help")
            for option in Self.options(inHelp: own.stdout) where !["--help", "--version", "--config"].contains(option) {
                let documented = block.contains(option) || (option.hasPrefix("--no-") && block.contains("--[no-]" + option.dropFirst(5)))
                #expect(documented, "`odp \(command.joined(separator: " ")) \(option)` is not in README's command list")
            }
        }
    }

    /// The long options of a command's --help (`--vertical/--no-vertical` as both).
    static func options(inHelp help: String) -> Set<String> {
        var out = Set<String>()
        let lines = help.split(separator: "\n").drop { !$0.hasPrefix("OPTIONS") }
        for line in lines where line.hasPrefix("  ") && !line.hasPrefix("    ") {
            // The option column ends where two spaces start its description.
            let synopsis = line.dropFirst(2).components(separatedBy: "  ")[0]
            for word in synopsis.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "/" }) where word.hasPrefix("--") {
                out.insert(String(word))
            }
        }
        return out
    }

    @Test("an error from any command is one coded line (错误（error）：… [ODP-E…]) with its documented exit code, never a usage dump",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func codedErrors() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let config = ["--config", fixture.configPath]
        let cases: [(arguments: [String], status: Int32, code: String)] = [
            (["verify"] + config + ["no-such-dataset"], ODPExit.usage, "ODP-E0501"),
            (["verify"] + config + ["a/b/c"], ODPExit.usage, "ODP-E0501"),
            (["approve"] + config + ["no-such-dataset", "2026.01.01.1", "--by", "张三"], ODPExit.usage, "ODP-E0501"),
            (["preview"] + config + ["no-such-dataset"], ODPExit.usage, "ODP-E0501"),
            (["errors", "ODP-E9999"], ODPExit.commandLine, "ODP-E0001"),
            (["status", "--config", fixture.root.appendingPathComponent("none.yml").path], ODPExit.commandLine, "ODP-E0002"),
        ]
        for c in cases {
            let out = try await OdpCommand.run(c.arguments, logs: fixture.root)
            let label = c.arguments.joined(separator: " ")
            #expect(out.status == c.status, "\(label): \(out.status) \(out.stderr)")
            #expect(out.stderr.hasPrefix("错误（error）：") && out.stderr.contains("[\(c.code)]"), "\(label): \(out.stderr)")
            #expect(!out.stderr.contains("Usage:") && !out.stderr.hasPrefix("Error:"), "\(label): \(out.stderr)")
        }
        // A --dataset glob that matches nothing would run nothing and exit 0; a port beyond 65535 would wrap around.
        let glob = try await OdpCommand.run(["run"] + config + ["--dataset", "sthj-*", "--dataset", "nope-*"], logs: fixture.root)
        #expect(glob.status == ODPExit.commandLine && glob.stderr.contains("nope-*") && glob.stderr.contains("sthj-air-quality-hourly"), "\(glob.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("releases").path), "nothing ran")
        let port = try await OdpCommand.run(["serve"] + config + ["--port", "99999"], logs: fixture.root)
        #expect(port.status == ODPExit.commandLine && port.stderr.contains("65535"), "\(port.stderr)")
        // ArgumentParser's own usage errors keep their usage line and exit 64.
        let unknown = try await OdpCommand.run(["status", "--no-such-option"], logs: fixture.root)
        #expect(unknown.status == ODPExit.commandLine && unknown.stderr.contains("Usage:"), "\(unknown.stderr)")
    }
}
