import Foundation
import ODPCore
import Testing
@testable import ODPExtract

/// A scripted source: given batches, then optionally a failure, plus deleted keys.
final class ScriptedSource: RowSource {
    var batches: [RowBatch]
    var failAfter: Int?
    var deletedKeys: [[String]]
    var problems: [RowProblem] { [] }
    var watermark: String? { nil }
    private var served = 0

    init(_ rows: [[String?]], deleted: [[String]] = [], failAfterBatches: Int? = nil, batchSize: Int = 2) {
        var batches: [RowBatch] = []
        for start in stride(from: 0, to: rows.count, by: batchSize) {
            var b = RowBatch(columnCount: 3)
            for (i, row) in rows[start..<min(rows.count, start + batchSize)].enumerated() {
                for v in row { if let v { b.appendCell(v) } else { b.appendNull() } }
                b.endRow(sourceRow: start + i + 1)
            }
            batches.append(b)
        }
        self.batches = batches
        deletedKeys = deleted
        failAfter = failAfterBatches
    }

    func next(maxRows: Int) throws -> RowBatch? {
        if let failAfter, served == failAfter { throw ODPError.source("scripted", "connection lost") }
        guard served < batches.count else { return nil }
        served += 1
        return batches[served - 1]
    }

    func close() {}
}

@Suite("Staging store")
struct StagingStoreTests {
    let schema = Schema([
        FieldDefinition(name: "id", title: "编号", type: .string),
        FieldDefinition(name: "name", title: "名称", type: .string),
        FieldDefinition(name: "amount", title: "金额", type: .number),
    ])

    func rows(_ store: StagingStore) throws -> [[String?]] { try Extracted(try store.reader()).rows }

    @Test("merge inserts new rows, updates changed ones, deletes flagged keys; reader orders by key")
    func merge() throws {
        let w = try Workspace()
        let store = try StagingStore(url: w.url("state/staging/x.sqlite"), schema: schema, primaryKey: ["id"])
        #expect(store.schemaChanged)
        try store.replaceAll(ScriptedSource([["b", "乙", "2"], ["a", "甲", "1"], ["c", "丙", nil]]))
        #expect(try rows(store) == [["a", "甲", "1"], ["b", "乙", "2"], ["c", "丙", nil]])
        let counts = try store.merge(ScriptedSource([["b", "乙", "2"], ["c", "丙", "3.5"], ["d", "丁", "4"]], deleted: [["a"], ["zz"]]))
        #expect(counts.inserted == 1)
        #expect(counts.updated == 1)  // b is unchanged
        #expect(counts.deleted == 1)  // zz was never there
        #expect(try rows(store) == [["b", "乙", "2"], ["c", "丙", "3.5"], ["d", "丁", "4"]])
        store.close()
        let reopened = try StagingStore(url: w.url("state/staging/x.sqlite"), schema: schema, primaryKey: ["id"])
        #expect(!reopened.schemaChanged)
        #expect(try reopened.count() == 3)
    }

    @Test("a merge that fails half-way leaves the previous copy")
    func atomic() throws {
        let w = try Workspace()
        let store = try StagingStore(url: w.url("s.sqlite"), schema: schema, primaryKey: ["id"])
        try store.replaceAll(ScriptedSource([["a", "甲", "1"]]))
        #expect(throws: ODPError.self) {
            try store.merge(ScriptedSource([["a", "改", "9"], ["b", "乙", "2"], ["c", "丙", "3"]], failAfterBatches: 1, batchSize: 2))
        }
        #expect(try rows(store) == [["a", "甲", "1"]])
        #expect(throws: ODPError.self) { try store.replaceAll(ScriptedSource([["x", "x", "1"]], failAfterBatches: 1, batchSize: 1)) }
        #expect(try rows(store) == [["a", "甲", "1"]])
    }

    @Test("an empty key is refused with the source row")
    func emptyKey() throws {
        let w = try Workspace()
        let store = try StagingStore(url: w.url("s.sqlite"), schema: schema, primaryKey: ["id"])
        #expect {
            try store.merge(ScriptedSource([["a", "甲", "1"], [nil, "无", "2"]]))
        } throws: { error in "\(error)".contains(":2 [id]") }
        #expect(try store.count() == 0)
    }

    @Test("changed fields reset the copy")
    func schemaChange() throws {
        let w = try Workspace()
        let url = w.url("s.sqlite")
        let store = try StagingStore(url: url, schema: schema, primaryKey: ["id"])
        try store.replaceAll(ScriptedSource([["a", "甲", "1"]]))
        store.close()
        var wider = schema
        wider.fields.append(FieldDefinition(name: "extra", title: "附加", type: .string))
        let reopened = try StagingStore(url: url, schema: wider, primaryKey: ["id"])
        #expect(reopened.schemaChanged)
        #expect(try reopened.count() == 0)
    }

    @Test("merges what an incremental CSV extraction yields")
    func withExtractor() throws {
        let w = try Workspace()
        try w.write("d.csv", "id,name,amount,v,del\na,甲,1,1,\nb,乙,2,2,\n")
        let fields = ["{name: id, title: 编号, type: string, class: public}", "{name: name, title: 名称, type: string, class: public}",
                      "{name: amount, title: 金额, type: number, class: public}", "{name: v, title: 版本, type: integer, class: public}"]
        let definition = try w.definition(source: "type: csv\npath: d.csv\nincremental: {watermark: v, deleted_flag: del}", fields: fields, primaryKey: ["id"])
        let store = try StagingStore(url: w.url("s.sqlite"), schema: definition.schema, primaryKey: ["id"])
        let first = try Extractor.open(definition, since: nil, environment: [:])
        try store.replaceAll(first)
        let mark = first.watermark
        #expect(mark == "2")
        try w.write("d.csv", "id,name,amount,v,del\na,甲,1,1,\nb,乙,2,2,\nc,丙,3,3,\na,,,4,1\n")
        let counts = try store.merge(try Extractor.open(definition, since: mark, environment: [:]))
        #expect(counts == (1, 0, 1))
        #expect(try rows(store) == [["b", "乙", "2", "2"], ["c", "丙", "3", "3"]])
    }
}
