import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Row-level deltas between versions")
struct ReleaseDeltaTests {
    /// Applies a delta as its documentation tells a follower to, on raw CSV records: drop the
    /// rows whose key a delta row names, keep the rest in order, insert the rows at their positions.
    static func apply(previous: Data, delta: Data, keyFields: [String]) throws -> Data {
        let old = try records(previous), changes = try records(delta)
        let header = old[0]
        let names = header.map { String(decoding: $0, as: UTF8.self) }
        let keys = keyFields.map { names.firstIndex(of: $0)! }
        var named = Set<[[UInt8]]>()
        var inserts: [(Int, [[UInt8]])] = []
        for row in changes.dropFirst() {
            let op = String(decoding: row[0], as: UTF8.self), fields = Array(row.dropFirst(2))
            named.insert(keys.map { fields[$0] })
            if op != "removed" { inserts.append((Int(String(decoding: row[1], as: UTF8.self))!, fields)) }
        }
        var rows = old.dropFirst().filter { row in !named.contains(keys.map { row[$0] }) }
        for (position, fields) in inserts.sorted(by: { $0.0 < $1.0 }) { rows.insert(fields, at: position - 1) }
        var out = Data()
        for record in [header] + rows {
            out += Data(Array(record.joined(separator: [UInt8(ascii: ",")])))
            out += Data("\r\n".utf8)
        }
        return out
    }

    /// Every record's raw fields (quotes kept).
    static func records(_ data: Data) throws -> [[[UInt8]]] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("odp-delta-\(UUID().uuidString).csv")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var out: [[[UInt8]]] = []
        try CSVRecordReader(url: url).forEachRecord { base, fields in
            out.append(fields.map { Array(UnsafeBufferPointer(start: base + $0.lowerBound, count: $0.count)) })
        }
        return out
    }

    static func csv(_ outcome: ReleaseOutcome) throws -> Data {
        try Data(contentsOf: outcome.directory.appendingPathComponent("data/enterprises.csv"))
    }

    @Test("applying each version's delta in order to version 1 gives the latest CSV byte for byte")
    func applyInOrder() throws {
        let root = Fixture.temporaryDirectory()
        var rows: [[String?]] = (1...40).map { ["\($0)", "公司\($0)", "\($0).5", "20200101", "是"] }
        rows[3][1] = "带,逗号 \"引号\"\n和换行"
        var versions = [try Fixture.release(root: root, rows: rows)]
        var random = SystemRandomNumberGenerator()
        var day = 1.0
        func next(_ rows: [[String?]]) throws {
            versions.append(try Fixture.release(root: root, rows: rows, time: Fixture.runTime + 86_400 * day))
            day += 1
        }
        // Changed, removed and added rows; then a reorder; then all of it with random rows.
        rows[5][2] = "99"; rows[7][1] = "=改名"; rows.remove(at: 10); rows.append(["41", "新公司", nil, nil, "否"])
        try next(rows)
        rows.swapAt(2, 30); rows.insert(["42", "插入, \"中间\"", "1", "20240229", "是"], at: 15)
        try next(rows)
        for _ in 0..<3 {
            for _ in 0..<5 { rows[Int.random(in: 0..<rows.count, using: &random)][2] = "\(Int.random(in: 0..<1000, using: &random))" }
            rows.remove(at: Int.random(in: 0..<rows.count, using: &random))
            rows.shuffle(using: &random)
            rows.append(["\(100 + Int(day))", "第\(day)天", "0", nil, nil])
            try next(rows)
        }
        var copy = try Self.csv(versions[0])
        for (previous, version) in zip(versions, versions.dropFirst()) {
            let changes = try #require(try ReleaseMetadata.read(release: version.directory)?.changes)
            let delta = try #require(changes.delta, "\(version.version) has no delta")
            #expect(changes.previousVersion == previous.version)
            let bytes = try Data(contentsOf: version.directory.appendingPathComponent(delta.path))
            copy = try Self.apply(previous: copy, delta: bytes, keyFields: ["id"])
            #expect(copy == (try Self.csv(version)), "\(version.version) differs after applying its delta")
            let sums = Fixture.read(version.directory.appendingPathComponent("SHA256SUMS"))
            #expect(sums.contains("\(try ReleaseVerifier.hashFile(version.directory.appendingPathComponent(delta.path)))  \(delta.path)\n"))
        }
        let second = try #require(try ReleaseMetadata.read(release: versions[1].directory)?.changes?.delta)
        #expect((second.added, second.changed, second.removed, second.moved) == (1, 2, 1, 0))
        let third = try #require(try ReleaseMetadata.read(release: versions[2].directory)?.changes?.delta)
        #expect(third.added == 1 && third.changed == 0 && third.removed == 0 && third.moved >= 1)
    }

    @Test("no delta without a primary key, after a header change, or with a repeated key")
    func noDelta() throws {
        let rows = Fixture.rows
        func delta(_ definition: DatasetDefinition, _ first: [[String?]], _ second: [[String?]], secondDefinition: DatasetDefinition? = nil) throws -> DeltaSummary? {
            let root = Fixture.temporaryDirectory()
            _ = try Fixture.release(root: root, rows: first, definition: definition)
            let next = try Fixture.release(root: root, rows: second, definition: secondDefinition ?? definition, time: Fixture.runTime + 86_400)
            #expect(!FileManager.default.fileExists(atPath: next.directory.appendingPathComponent("data/enterprises.delta.csv").path))
            return try ReleaseMetadata.read(release: next.directory)?.changes?.delta
        }
        var changed = rows
        changed[0][1] = "改"
        #expect(try delta(Fixture.definition(primaryKey: []), rows, changed) == nil)
        // A held version between them was never published: the change log, the delta and the
        // previous-version link skip it and compare with the version researchers have.
        let root = Fixture.temporaryDirectory()
        let first = try Fixture.release(root: root, rows: rows)
        let held = try Fixture.release(root: root, rows: changed, time: Fixture.runTime + 86_400, status: .held(["测试"]))
        var third = changed
        third[1][1] = "再改"
        let next = try Fixture.release(root: root, rows: third, time: Fixture.runTime + 2 * 86_400)
        let metadata = try #require(try ReleaseMetadata.read(release: next.directory))
        #expect(metadata.previousVersion == first.version && metadata.changes?.previousVersion == first.version)
        #expect(metadata.changes?.changed == 2 && metadata.changes?.delta?.changed == 2, "\(String(describing: metadata.changes))")
        let published = try String(contentsOf: next.directory.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(!published.contains(held.version), "the held version's number is in the README")
        #expect(try delta(Fixture.definition(), rows + [rows[0]], changed) == nil, "id 1 twice in the first version")
        let renamed = Schema(Fixture.schema.fields.map { $0.name == "name" ? FieldDefinition(name: "company", title: "名称", type: .string) : $0 })
        #expect(try delta(Fixture.definition(), rows, changed, secondDefinition: Fixture.definition(schema: renamed)) == nil, "a renamed column")
    }
}
