import Foundation
import Testing

/// Replays the fuzzing corpus (seeds and every past finding) through the readers on each
/// test run, so a fixed crash stays fixed. The campaign itself is `fuzz/run.sh`.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static var replayer: URL? {
        let url = DemoFixture.repository.appendingPathComponent(".build/debug/odp-fuzz")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    @Test("every corpus input is read or rejected without a crash",
          .enabled(if: replayer != nil, "build odp-fuzz first (swift build)"),
          arguments: ["csv", "gb18030", "xlsx", "json", "ndjson", "yaml"])
    func replay(target: String) throws {
        let dir = DemoFixture.repository.appendingPathComponent("fuzz/corpus/\(target)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).map { dir.appendingPathComponent($0).path }
        #expect(!files.isEmpty)
        let process = Process()
        process.executableURL = Self.replayer
        process.arguments = [target] + files
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(target) corpus crashed the reader")
    }
}
