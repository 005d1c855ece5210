import Foundation
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
        try AuditTrail(url: url).record("a", details: ["n": 1])
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
        for i in 0..<5 { try trail.record("event", details: ["rows": i]) }
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "\"rows\":1", with: "\"rows\":100")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        #expect(try AuditTrail.verify(url: url).firstBrokenLine == 3)
    }

    @Test("a deleted entry is found")
    func deleted() throws {
        let url = tempLog()
        defer { try? FileManager.default.removeItem(at: url) }
        let trail = try AuditTrail(url: url)
        for i in 0..<4 { try trail.record("event", details: ["i": i]) }
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
        try AuditTrail(url: url).record("c")
        let result = try AuditTrail.verify(url: url)
        #expect(result.entries == 2)
        #expect(result.firstBrokenLine == nil)
    }
}
