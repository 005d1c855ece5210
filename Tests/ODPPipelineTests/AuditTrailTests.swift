import Foundation
import ODPCore
import ODPPipeline
import Testing

@Suite("Audit trail")
struct AuditTrailTests {
    func tempLog() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString).jsonl")
    }

    @Test("an untouched chain verifies, across reopenings")
    func intact() throws {
        let url = tempLog()
        defer { try? FileManager.default.removeItem(at: url) }
        try AuditTrail(url: url).record("a", details: AuditDetails(files: 1))
        let trail = try AuditTrail(url: url)
        try trail.record("b", dataset: "x")
        try trail.record("c")
        let result = try AuditTrail.verify(url: url)
        #expect(result.entries == 3)
        #expect(result.firstBrokenLine == nil)
    }

    @Test("an edited entry breaks the chain at the entry after it")
    func tampered() throws {
        let url = tempLog()
        defer { try? FileManager.default.removeItem(at: url) }
        let trail = try AuditTrail(url: url)
        for i in 0..<5 { try trail.record("event", details: AuditDetails(rowsRead: i)) }
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "\"rows_read\":1", with: "\"rows_read\":100")
        #expect(lines[1].contains("\"rows_read\":100"))
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        #expect(try AuditTrail.verify(url: url).firstBrokenLine == 3)
    }

    @Test("a deleted entry is found")
    func deleted() throws {
        let url = tempLog()
        defer { try? FileManager.default.removeItem(at: url) }
        let trail = try AuditTrail(url: url)
        for i in 0..<4 { try trail.record("event", details: AuditDetails(files: i)) }
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.remove(at: 2)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        #expect(try AuditTrail.verify(url: url).firstBrokenLine == 3)
    }

    @Test("a torn last line from a crash is dropped on reopen and the chain continues")
    func tornTail() throws {
        let url = tempLog()
        defer { try? FileManager.default.removeItem(at: url) }
        try AuditTrail(url: url).record("a")
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"event\":\"b\",\"pr".utf8))
        try handle.close()
        // Before the repair, verify names it as a torn write, not as a broken chain.
        let before = try AuditTrail.verify(url: url)
        #expect(before.firstBrokenLine == nil && before.entries == 1 && before.tornFinalWrite == 16)
        try AuditTrail(url: url).record("c")
        let result = try AuditTrail.verify(url: url)
        #expect(result.entries == 3)
        #expect(result.firstBrokenLine == nil && result.tornFinalWrite == nil)
        let events = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["event"] as! String
        }
        #expect(events == ["a", "audit_repaired", "c"], "the repair is itself an audit entry")
    }

    @Test("a complete last line that is not JSON is a broken chain, not a torn write, and is not dropped")
    func corruptCompleteLine() throws {
        let url = tempLog()
        defer { try? FileManager.default.removeItem(at: url) }
        try AuditTrail(url: url).record("a")
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("not json\n".utf8))
        try handle.close()
        _ = try AuditTrail(url: url)
        let result = try AuditTrail.verify(url: url)
        #expect(result.firstBrokenLine == 2 && result.tornFinalWrite == nil)
        #expect(try String(contentsOf: url, encoding: .utf8).contains("not json"))
    }

    @Test("`odp audit verify` calls a torn last line a torn write (exit 0), the next run repairs it with an audit_repaired entry, and an edit is BROKEN (exit 3)",
          .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"))
    func tornTailOnTheCommandLine() async throws {
        let workspace = try SourceIsolationTests.TwoDatasets(source: "{type: csv, path: sound.csv}")
        defer { workspace.remove() }
        _ = try workspace.run()
        let log = workspace.output.appendingPathComponent("state/audit.jsonl")
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"event\":\"run_sta".utf8))  // a full disk took the rest
        try handle.close()
        let verify = ["audit", "verify", "--config", workspace.config]
        let torn = try await OdpCommand.run(verify, logs: workspace.root)
        #expect(torn.status == ODPExit.success, "\(torn.stdout) \(torn.stderr)")
        #expect(torn.stdout.contains("未写完的记录") && torn.stdout.contains("不是篡改") && !torn.stdout.contains("BROKEN"), "\(torn.stdout)")

        _ = try workspace.run()
        let repaired = try await OdpCommand.run(verify, logs: workspace.root)
        #expect(repaired.status == ODPExit.success && !repaired.stdout.contains("未写完"), "\(repaired.stdout)")
        #expect(workspace.audit.contains("\"audit_repaired\""))

        // The control: an edited entry is tampering.
        let text = try String(contentsOf: log, encoding: .utf8)
        try text.replacingOccurrences(of: "\"sound\"", with: "\"sound2\"").write(to: log, atomically: true, encoding: .utf8)
        let broken = try await OdpCommand.run(verify, logs: workspace.root)
        #expect(broken.status == ODPExit.failure && broken.stdout.contains("BROKEN"), "\(broken.stdout)")
    }
}
