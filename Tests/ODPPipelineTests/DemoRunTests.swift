import Foundation
import ODPCore
import ODPDemoData
import ODPPipeline
import Testing

@Suite("The demo, end to end", .serialized)
struct DemoRunTests {
    @Test("a run releases three datasets, rejects the planted defects and holds the leaking one")
    func demoRun() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let summary = try fixture.run()
        let byID = Dictionary(uniqueKeysWithValues: summary.outcomes.map { ($0.dataset, $0) })
        #expect(byID["scjg-individual-business"]?.status == .published)
        #expect(byID["sthj-air-quality-hourly"]?.status == .published)
        #expect(byID["jtys-bus-stops"]?.status == .published)
        #expect(byID["mzj-elderly-care"]?.status == .held)
        #expect(summary.exitCode == ODPExit.held)
        // Planted defects in the 3000-row market table are rejected, not published.
        let market = try #require(byID["scjg-individual-business"])
        #expect(market.rowsRead == 3000)
        #expect(market.rowsRejected > 0)
        #expect(market.rowsReleased + market.rowsRejected <= 3000)
        // … each by the rule meant to find it, and no other row is flagged (SQLite rows count from 1).
        let planted = PlantedDefectTests.planted(rows: 3000)
        let flagged = try PlantedDefectTests.flagged(fixture.output.appendingPathComponent("state/feedback/scjg-individual-business.csv"),
                                                     firstSourceRow: 1)
        let wrong = PlantedDefectTests.differences(planted, flagged)
        #expect(wrong.isEmpty, "\(wrong.count) rows differ, e.g. \(wrong.prefix(5))")
        #expect(market.rowsRejected == planted.count)
        // The ragged GB18030 line is rejected by the reader and named in the feedback list.
        let feedback = try String(contentsOf: fixture.output.appendingPathComponent("state/feedback/mzj-elderly-care.csv"), encoding: .utf8)
        #expect(feedback.contains("ragged"))
        // Releases, packages and the open-data list exist; the held dataset has no latest release.
        for id in ["scjg-individual-business", "sthj-air-quality-hourly", "jtys-bus-stops"] {
            #expect(FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("releases/\(id)/latest.json").path))
        }
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("releases/mzj-elderly-care/latest.json").path))
        for name in ["open-list.csv", "open-list.json", "open-list.html", "dcat.jsonld"] {
            #expect(FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("catalog/\(name)").path))
        }
        #expect(try AuditTrail.verify(url: fixture.output.appendingPathComponent("state/audit.jsonl")).firstBrokenLine == nil)
        try expectProvenance(fixture.output.appendingPathComponent("releases/scjg-individual-business/\(market.version ?? "")"))
    }

    /// provenance.json tells how each field was treated exactly as the privacy report does,
    /// names the source table and the code tables the checks used, and the pseudonym key.
    func expectProvenance(_ release: URL) throws {
        func read<T: Artifact>(_ type: T.Type, _ name: String) throws -> T {
            try ArtifactCodec.decode(type, from: Data(contentsOf: release.appendingPathComponent(name)), file: name)
        }
        let provenance = try read(ReleaseProvenance.self, ReleaseProvenance.fileName)
        let privacy = try read(PrivacyReport.self, PrivacyReport.fileName)
        #expect(provenance.fields.map(\.field) == privacy.fields.map(\.name))
        #expect(provenance.fields.map(\.operator) == privacy.fields.map(\.operator))
        #expect(provenance.fields.first { $0.field == "id_number" }?.published == false, "the dropped ID number")
        #expect(provenance.source.kind == "sqlite" && provenance.source.table == "market_registrations")
        #expect(Set(provenance.codeTables.map(\.name)) == ["gb2260", "industry"], "\(provenance.codeTables)")
        #expect(provenance.pseudonymKeyId == privacy.pseudonymKeyId)
        #expect(provenance.stages.first { $0.name == "desensitize" }?.summary.contains("k-匿名（k = 3）") == true)
    }

    @Test("re-running on unchanged data makes no new version and uploads nothing")
    func rerunIsIdempotent() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        _ = try fixture.run()
        let before = fixture.files(under: "releases").map(\.path)
        let published = fixture.files(under: "published").map(\.path)
        let second = try fixture.run()
        #expect(second.outcomes.filter { $0.status == .published }.isEmpty)
        #expect(second.outcomes.contains { $0.status == .unchanged })
        #expect(fixture.files(under: "releases").map(\.path) == before)
        #expect(fixture.files(under: "published").map(\.path) == published)
        #expect(second.outcomes.allSatisfy { $0.bytesPublished == 0 })
    }

    @Test("no personal identifier of the source reaches any published file")
    func nothingPersonalLeaves() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        _ = try fixture.run()
        let market = MarketRegistrations(rowCount: 3000)
        var secrets = Set<String>()
        for i in 0..<market.rowCount {
            let row = market.row(i)
            if let id = row[3] { secrets.insert(id) }
            if let mobile = row[4] { secrets.insert(mobile) }
            if let address = row[5] { secrets.insert(address) }
        }
        secrets.insert("13905912345")  // the mobile leaked in the elderly-care notes
        let published = (fixture.files(under: "releases") + fixture.files(under: "catalog") + fixture.files(under: "published"))
            .filter { !$0.path.hasSuffix(".zip") }
        #expect(published.count > 10)
        // grep -F matches all 9,000 strings in one pass (Aho–Corasick); String.contains per
        // secret and file took minutes.
        let list = fixture.output.appendingPathComponent("secrets.txt")
        try secrets.sorted().joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: list) }
        let grep = Process()
        grep.executableURL = URL(fileURLWithPath: "/usr/bin/grep")
        grep.arguments = ["-F", "-o", "-f", list.path, "--"] + published.map(\.path)
        grep.environment = ["LC_ALL": "C"]
        let pipe = Pipe()
        grep.standardOutput = pipe
        try grep.run()
        let found = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        grep.waitUntilExit()
        #expect(grep.terminationStatus == 1, "source identifiers in published files:\n\(found.prefix(2000))")
        // The check itself finds a planted identifier.
        let probe = fixture.output.appendingPathComponent("probe.txt")
        try "备注：\(secrets.sorted()[0])。".write(to: probe, atomically: true, encoding: .utf8)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/grep")
        check.arguments = ["-F", "-q", "-f", list.path, "--", probe.path]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    @Test("two runs from scratch produce byte-identical data files")
    func deterministic() throws {
        let a = try DemoFixture(), b = try DemoFixture()
        defer { a.remove(); b.remove() }
        _ = try a.run(RunOptions(runTime: Date(timeIntervalSince1970: 1_790_000_000)))
        _ = try b.run(RunOptions(runTime: Date(timeIntervalSince1970: 1_790_090_000)))
        let filesA = a.files(under: "releases").filter { $0.path.contains("/data/") }
        let filesB = b.files(under: "releases").filter { $0.path.contains("/data/") }
        #expect(filesA.count == filesB.count && !filesA.isEmpty)
        for (x, y) in zip(filesA, filesB) {
            #expect(x.lastPathComponent == y.lastPathComponent)
            #expect(try Data(contentsOf: x) == Data(contentsOf: y), "\(x.lastPathComponent) differs")
        }
    }

    @Test("a second run while the lock is held exits with a message naming the holder")
    func oneRunAtATime() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let lock = RunLock(url: fixture.output.appendingPathComponent("state/run.lock"))
        try lock.acquire()
        defer { lock.release() }
        #expect(throws: RunLock.Conflict.self) { _ = try fixture.run() }
        do { _ = try fixture.run() } catch { #expect("\(error)".contains("pid \(getpid())")) }
    }

    @Test("a stale lock left by a dead process is taken over")
    func staleLock() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let url = fixture.output.appendingPathComponent("state/run.lock")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "pid=999999\nhost=\(ProcessInfo.processInfo.hostName)\nstarted=x\n".write(to: url, atomically: true, encoding: .utf8)
        let lock = RunLock(url: url)
        try lock.acquire()
        lock.release()
    }
}
