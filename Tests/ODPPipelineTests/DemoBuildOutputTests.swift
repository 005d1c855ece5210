import Foundation
import Testing

/// Issue 16 item 13: a first `scripts/demo.sh` printed about 1,370 lines of compiler output.
/// The script runs here as shipped, from a copy of scripts/, with a stand-in `swift` first on
/// PATH that prints as many lines as a first build and then succeeds or fails.
@Suite("scripts/demo.sh keeps the compiler's output in a log", .enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash")))
struct DemoBuildOutputTests {
    struct Result {
        var status: Int32
        var output: String
        var log: String
    }

    static func runDemo(buildSucceeds: Bool) throws -> Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-demo-sh-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let scripts = root.appendingPathComponent("scripts"), bin = root.appendingPathComponent("fake-bin")
        for dir in [scripts, bin] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        for name in ["demo.sh", "setup.sh"] {
            try FileManager.default.copyItem(at: DemoFixture.repository.appendingPathComponent("scripts/\(name)"), to: scripts.appendingPathComponent(name))
        }
        // `swift build --product odp`: 1,400 numbered compiler lines; `--show-bin-path`: where `odp` is.
        let swift = """
            #!/bin/bash
            if [[ "$*" == *--show-bin-path* ]]; then echo "\(bin.path)"; exit 0; fi
            for i in $(seq 1 1400); do echo "[$i/1400] Compiling ODPCore File$i.swift"; done
            echo "error: planted compiler error" >&2
            exit \(buildSucceeds ? 0 : 1)
            """
        let odp = "#!/bin/bash\necho \"odp $1 done\"\nexit 0\n"
        for (name, text) in [("swift", swift), ("odp", odp)] {
            let url = bin.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [scripts.appendingPathComponent("demo.sh").path]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let out = root.appendingPathComponent("out.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return Result(status: process.terminationStatus, output: try String(contentsOf: out, encoding: .utf8),
                      log: (try? String(contentsOf: root.appendingPathComponent("output/build.log"), encoding: .utf8)) ?? "")
    }

    @Test("a build of 1,400 compiler lines shows one progress line; the lines are in output/build.log")
    func quietBuild() throws {
        let result = try Self.runDemo(buildSucceeds: true)
        let lines = result.output.split(whereSeparator: \.isNewline)
        #expect(result.status == 0, "\(result.output)")
        #expect(lines.count < 20, "\(lines.count) lines:\n\(result.output.prefix(2000))")
        #expect(!result.output.contains("Compiling"))
        #expect(result.output.contains("output/build.log") && result.output.contains("odp run done"), "\(result.output)")
        #expect(result.log.contains("[1400/1400] Compiling"), "the compiler's output is kept in the log")
    }

    @Test("a failed build shows the log's tail and where the whole log is, and exits non-zero")
    func failedBuild() throws {
        let result = try Self.runDemo(buildSucceeds: false)
        let lines = result.output.split(whereSeparator: \.isNewline)
        #expect(result.status != 0)
        #expect(lines.count < 40, "\(lines.count) lines")
        #expect(result.output.contains("planted compiler error") && result.output.contains("the whole log is output/build.log"), "\(result.output)")
        #expect(!result.output.contains("odp run done"), "nothing runs after a failed build")
    }
}
