import Foundation
import ODPCore
import Testing
@testable import ODPExtract

@Suite("The same table from every source format")
struct CrossFormatTests {
    let expected = SampleTable.normalized(SampleTable.rows)

    func read(_ w: Workspace, source: String, environment: [String: String] = [:]) throws -> Extracted {
        let definition = try w.definition(source: source, fields: SampleTable.fields)
        return try Extracted(try Extractor.open(definition, since: nil, environment: environment), batch: 2)
    }

    @Test("SQLite, UTF-8 CSV, GB18030 CSV, XLSX, JSON and NDJSON yield identical values")
    func identicalValues() throws {
        let w = try Workspace()
        try SampleTable.sqlite(at: w.url("people.db").path)
        try w.write("utf8.csv", SampleTable.csv(headers: SampleTable.titles))
        try w.write("gb.csv", bytes: SampleTable.csv(headers: SampleTable.titles, lineEnd: "\n").encoded(as: "GB18030"))
        try w.write("people.xlsx", bytes: SampleTable.xlsx())
        try w.write("people.ndjson", SampleTable.ndjson())
        try w.write("people.json", SampleTable.jsonArray())

        let sources = [
            "sqlite": "type: sqlite\npath: people.db\ntable: people",
            "csv utf-8": "type: csv\npath: utf8.csv",
            "csv gb18030": "type: csv\npath: gb.csv\nencoding: gb18030",
            "csv auto": "type: csv\npath: gb.csv\nencoding: auto",
            "xlsx": "type: xlsx\npath: people.xlsx\nsheet: 人员",
            "ndjson": "type: ndjson\npath: people.ndjson",
            "json": "type: json\npath: people.json",
        ]
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            let got = try read(w, source: source)
            #expect(SampleTable.normalized(got.rows) == expected, "\(name)")
            #expect(got.problems.isEmpty, "\(name): \(got.problems)")
        }
    }

    @Test("each format reports the source position of its rows")
    func sourcePositions() throws {
        let w = try Workspace()
        try w.write("utf8.csv", SampleTable.csv(headers: SampleTable.titles))
        try w.write("people.xlsx", bytes: SampleTable.xlsx())
        try w.write("people.ndjson", SampleTable.ndjson())
        try SampleTable.sqlite(at: w.url("people.db").path)
        // CSV: physical line of the record start; row 3 holds two line breaks (lines 4-6), so row 4 starts on line 7.
        #expect(try read(w, source: "type: csv\npath: utf8.csv").sourceRows == [2, 3, 4, 7, 8])
        #expect(try read(w, source: "type: xlsx\npath: people.xlsx\nsheet: 2").sourceRows == [2, 3, 4, 5, 6])
        #expect(try read(w, source: "type: ndjson\npath: people.ndjson").sourceRows == [1, 2, 3, 4, 5])
        #expect(try read(w, source: "type: sqlite\npath: people.db\ntable: people").sourceRows == [1, 2, 3, 4, 5])
    }

    @Test("PostgreSQL yields the same values as the files", .enabled(if: PostgresTestServer.shouldRun, PostgresTestServer.skipComment))
    func postgresMatches() throws {
        guard PostgresTestServer.require() != nil else { return }
        let table = PostgresTestServer.tableName("people")
        var statements = ["CREATE TABLE \(table) (id integer PRIMARY KEY, name text, amount numeric(12,2), born date, note text)"]
        for row in SampleTable.rows {
            let values = row.enumerated().map { i, v -> String in
                guard let v else { return "NULL" }
                return i == 0 || i == 2 ? v : "'" + v.replacingOccurrences(of: "'", with: "''") + "'"
            }
            statements.append("INSERT INTO \(table) VALUES (\(values.joined(separator: ", ")))")
        }
        try PostgresTestServer.execute(statements)
        let w = try Workspace()
        let got = try read(w, source: PostgresTestServer.source(table: table), environment: PostgresTestServer.environment)
        #expect(got.rows == expected)
        #expect(got.sourceRows == [1, 2, 3, 4, 5])
        try PostgresTestServer.execute(["DROP TABLE \(table)"])
    }
}
