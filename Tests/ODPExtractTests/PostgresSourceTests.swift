import Foundation
import ODPCore
import Testing
@testable import ODPExtract

@Suite("PostgreSQL source", .enabled(if: PostgresTestServer.shouldRun, PostgresTestServer.skipComment), .serialized)
struct PostgresSourceTests {
    static let fields = [
        "{name: id, title: 编号, type: integer, class: public}",
        "{name: name, title: 名称, type: string, class: public}",
        "{name: active, title: 有效, type: boolean, class: public}",
        "{name: updated_at, title: 更新时间, type: datetime, class: public}",
    ]

    func makeTable(rows: Int) throws -> String {
        let table = PostgresTestServer.tableName("items")
        try PostgresTestServer.execute([
            "CREATE TABLE \(table) (id integer PRIMARY KEY, name text, active boolean, updated_at timestamp, deleted text)",
            """
            INSERT INTO \(table) SELECT g, '名称' || g, g % 2 = 0, timestamp '2024-01-01' + g * interval '1 minute',
              CASE WHEN g % 1000 = 7 THEN '是' ELSE NULL END FROM generate_series(1, \(rows)) g
            """,
        ])
        return table
    }

    @Test("streams 25 000 rows through the cursor in FETCH batches of 1 000")
    func streaming() throws {
        guard PostgresTestServer.require() != nil else { return }
        let table = try makeTable(rows: 25_000)
        defer { try? PostgresTestServer.execute(["DROP TABLE \(table)"]) }
        let w = try Workspace()
        let definition = try w.definition(source: PostgresTestServer.source(table: table), fields: Self.fields)
        let source = try PostgresSource(definition: definition, since: nil, environment: PostgresTestServer.environment, fetchSize: 1000)
        var count = 0, largestBatch = 0
        var first: [String?] = []
        var ids = Set<Int>()
        while let batch = try source.next(maxRows: 4096) {
            if count == 0 { first = (0..<4).map { batch.string(0, $0) } }
            for r in 0..<batch.rowCount { ids.insert(Int(batch.string(r, 0)!)!) }
            count += batch.rowCount
            largestBatch = max(largestBatch, batch.rowCount)
        }
        #expect(count == 25_000)
        #expect(ids.count == 25_000)
        #expect(largestBatch == 4096)
        #expect(source.fetchCount == 26)  // 25 full fetches, one empty to see the end
        #expect(first == ["1", "名称1", "false", "2024-01-01 00:01:00"])
        source.close()
        source.close()
    }

    @Test("query parameters are bound, and incremental adds the watermark as a parameter")
    func parameters() throws {
        guard PostgresTestServer.require() != nil else { return }
        let table = try makeTable(rows: 50)
        defer { try? PostgresTestServer.execute(["DROP TABLE \(table)"]) }
        let w = try Workspace()
        let query = "SELECT * FROM \(table) WHERE name LIKE $1 AND id <= $2::int ORDER BY id"
        var definition = try w.definition(source: PostgresTestServer.source(query: query, parameters: ["名称1%", "15"]), fields: Self.fields)
        #expect(try Extracted(try Extractor.open(definition, since: nil, environment: PostgresTestServer.environment)).rows.map { $0[0]! }
                == ["1", "10", "11", "12", "13", "14", "15"])
        // An injection attempt stays a value.
        definition = try w.definition(source: PostgresTestServer.source(query: query, parameters: ["x' OR '1'='1", "15"]), fields: Self.fields)
        #expect(try Extracted(try Extractor.open(definition, since: nil, environment: PostgresTestServer.environment)).rows.isEmpty)

        definition = try w.definition(
            source: PostgresTestServer.source(table: table) + "incremental: {watermark: updated_at, deleted_flag: deleted, lookback: 0}",
            fields: Self.fields, primaryKey: ["id"])
        // The bound is included: a row stamped exactly at the watermark is read again, never lost.
        let got = try Extracted(try Extractor.open(definition, since: "2024-01-01 00:40:00", environment: PostgresTestServer.environment))
        #expect(got.rows.map { $0[0]! }.sorted() == (40...50).map(String.init).sorted())
        #expect(got.watermark == "2024-01-01 00:50:00")
        // `lookback: 10m` starts the window ten minutes earlier.
        definition = try w.definition(
            source: PostgresTestServer.source(table: table) + "incremental: {watermark: updated_at, deleted_flag: deleted, lookback: 10m}",
            fields: Self.fields, primaryKey: ["id"])
        let earlier = try Extracted(try Extractor.open(definition, since: "2024-01-01 00:40:00", environment: PostgresTestServer.environment))
        #expect(earlier.rows.map { $0[0]! }.sorted() == (30...50).map(String.init).sorted())
        let all = try Extracted(try Extractor.open(definition, since: nil, environment: PostgresTestServer.environment))
        #expect(all.deletedKeys == [["7"]])
        #expect(all.rows.count == 49)
    }

    @Test("a connection lost mid-extraction (backend terminated) stops with a clear error")
    func lostConnection() throws {
        guard PostgresTestServer.require() != nil else { return }
        let table = try makeTable(rows: 5000)
        defer { try? PostgresTestServer.execute(["DROP TABLE \(table)"]) }
        let w = try Workspace()
        let definition = try w.definition(source: PostgresTestServer.source(table: table), fields: Self.fields)
        let source = try PostgresSource(definition: definition, since: nil, environment: PostgresTestServer.environment, fetchSize: 1000)
        defer { source.close() }
        #expect(try source.next(maxRows: 1000)?.rowCount == 1000)
        try PostgresTestServer.execute(["SELECT pg_terminate_backend(\(source.backendPID))"])
        #expect {
            while try source.next(maxRows: 1000) != nil {}
        } throws: { error in
            let text = "\(error)"
            return text.contains("与 PostgreSQL ") && text.contains("的连接中断") && text.contains("表（table）\(table)") && text.contains("读取 1000 行后")
        }
    }

    @Test("a wrong password is a clear error that does not contain the password")
    func wrongPassword() throws {
        guard PostgresTestServer.require() != nil else { return }
        let w = try Workspace()
        let definition = try w.definition(source: PostgresTestServer.source(table: "nothing", passwordVariable: "WRONG_PW"), fields: Self.fields)
        let secret = "Wr0ng-Secret-\(UUID().uuidString.prefix(6))"
        #expect {
            _ = try Extractor.open(definition, since: nil, environment: ["WRONG_PW": secret])
        } throws: { error in
            let text = "\(error)"
            return text.contains("password authentication failed") && !text.contains(secret) && text.contains("数据源 test-data")
        }
    }

    @Test("a server that is not running is a clear error")
    func serverDown() throws {
        guard let s = PostgresTestServer.require() else { return }
        let w = try Workspace()
        // A port nobody listens on: what a stopped server looks like to the client.
        let source = PostgresTestServer.source(table: "t").replacingOccurrences(of: "port: \(s.port)", with: "port: 1")
        let definition = try w.definition(source: source, fields: Self.fields)
        #expect {
            _ = try Extractor.open(definition, since: nil, environment: PostgresTestServer.environment)
        } throws: { error in
            let text = "\(error)"
            return text.contains("连接 PostgreSQL 127.0.0.1:1（cannot connect）") && text.contains("refused") && !text.contains(s.password)
        }
    }

    @Test("sslmode passes through to libpq: require fails against a server without TLS")
    func sslMode() throws {
        guard PostgresTestServer.require() != nil else { return }
        let w = try Workspace()
        let source = PostgresTestServer.source(table: "t").replacingOccurrences(of: "sslmode: disable", with: "sslmode: require")
        let definition = try w.definition(source: source, fields: Self.fields)
        #expect {
            _ = try Extractor.open(definition, since: nil, environment: PostgresTestServer.environment)
        } throws: { "\($0)".contains("SSL") }
    }

    @Test("an unknown table is a source error naming it")
    func unknownTable() throws {
        guard PostgresTestServer.require() != nil else { return }
        let w = try Workspace()
        let definition = try w.definition(source: PostgresTestServer.source(table: "no_such_table"), fields: Self.fields)
        #expect {
            _ = try Extractor.open(definition, since: nil, environment: PostgresTestServer.environment)
        } throws: { "\($0)".contains("\"no_such_table\" does not exist") }
    }
}
