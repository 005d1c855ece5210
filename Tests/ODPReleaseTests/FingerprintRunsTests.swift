import Foundation
import Testing
@testable import ODPRelease

@Suite("Change-log fingerprints sorted in bounded memory")
struct FingerprintRunsTests {
    @Test("pairs come back in order whether they fit in memory, fill whole runs or spill part of one",
          arguments: [0, 1, 6, 7, 8, 49, 700])
    func merged(count: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-runs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var state: UInt64 = 42
        func next(_ n: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % n
        }
        // Few distinct keys and rows, so equal pairs and equal keys occur.
        let pairs = (0..<count).map { _ in FingerprintRuns.Pair(key: next(5), row: next(40)) }
        do {
            let runs = FingerprintRuns(directory: dir, runLength: 7)
            for p in pairs { try runs.append(key: p.key, row: p.row) }
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(files.count == count / 7, "one file per full run")
            let merge = try runs.sorted()
            var out: [FingerprintRuns.Pair] = []
            while let p = try merge.next() { out.append(p) }
            #expect(out == pairs.sorted())
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "run files are removed")
    }
}
