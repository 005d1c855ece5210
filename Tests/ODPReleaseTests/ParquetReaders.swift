import Foundation
import Testing

/// Reads a Parquet file back with pyarrow, DuckDB and polars (from the `.venv-test` virtual
/// environment `scripts/setup.sh --test` makes) and compares every value with the CSV.
enum ParquetReaders {
    /// The venv's python, or nil (the caller skips, or fails under `scripts/test.sh`).
    static var python: String? { tool("python") }

    /// A program of the venv (`python`, `frictionless`) or of a venv inside it (`cff`), or nil
    /// when the venv lacks it.
    static func tool(_ name: String, inside: String? = nil) -> String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = ProcessInfo.processInfo.environment["ODP_TEST_VENV"] ?? root.appendingPathComponent(".venv-test").path
        let path = venv + (inside.map { "/" + $0 } ?? "") + "/bin/" + name
        return access(path, X_OK) == 0 ? path : nil
    }

    /// Records the missing venv as a failure under `scripts/test.sh` (ODP_REQUIRE_SERVICES=1).
    static func missing() {
        if ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" {
            Issue.record("the test venv is missing: run scripts/setup.sh --test (pyarrow, duckdb, polars, frictionless[parquet] into .venv-test)")
        }
    }

    /// What the readers report: per reader, the number of rows and the mismatches (at most a
    /// few, with row and column); pyarrow's view of the file's metadata.
    struct Report: Decodable {
        struct Reader: Decodable { var rows: Int; var mismatches: [String] }
        struct Column: Decodable { var type: String; var encodings: [String]; var min: String?; var max: String?; var nulls: Int }
        var readers: [String: Reader]
        var columns: [String: [Column]]
        var rowGroups: Int
        var createdBy: String

        enum CodingKeys: String, CodingKey { case readers, columns, rowGroups = "row_groups", createdBy = "created_by" }
    }

    /// - Parameter kinds: each column's name and how to read its CSV text: string, integer,
    ///   decimal, double, boolean, date, timestamp.
    static func check(parquet: URL, csv: URL, kinds: [(String, String)]) throws -> Report? {
        guard let python else { missing(); return nil }
        let spec = String(decoding: try JSONSerialization.data(withJSONObject: kinds.map { [$0.0, $0.1] }), as: UTF8.self)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, parquet.path, csv.path, spec]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            Issue.record("the readers failed: \(String(decoding: errors, as: UTF8.self))")
            return nil
        }
        return try JSONDecoder().decode(Report.self, from: data)
    }

    static let script = #"""
import csv, datetime, decimal, json, sys
import duckdb, polars, pyarrow.parquet as pq

path, csv_path, kinds = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
with open(csv_path, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
header, data = rows[0], rows[1:]
assert header == [k[0] for k in kinds], (header, kinds)

def expected(text, kind):
    if kind == "string":
        # The CSV neutralises formula starts with a quote; Parquet keeps the value.
        if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
            return text[1:]
        return text
    if text == "":
        return None
    if kind == "integer": return int(text)
    if kind == "decimal": return decimal.Decimal(text)
    if kind == "double": return float(text)
    if kind == "boolean": return text == "true"
    if kind == "date": return datetime.date.fromisoformat(text)
    if kind == "timestamp": return datetime.datetime.fromisoformat(text)
    raise ValueError(kind)

def same(got, want, kind):
    if kind == "string" and want == "":
        return got in ("", None)
    if isinstance(want, datetime.datetime) and isinstance(got, datetime.datetime):
        if (want.tzinfo is None) != (got.tzinfo is None):
            return False
    return got == want and type(got) is type(want) or (kind == "double" and got == want)

def compare(name, got_rows):
    mismatches = []
    for r, (want_row, got_row) in enumerate(zip(data, got_rows)):
        for c, (name_c, kind) in enumerate(kinds):
            want = expected(want_row[c], kind)
            if not same(got_row[c], want, kind) and len(mismatches) < 5:
                mismatches.append(f"row {r + 2} {name_c}: {got_row[c]!r} != {want!r}")
    return {"rows": len(got_rows), "mismatches": mismatches}

readers = {}
table = pq.read_table(path)
readers["pyarrow"] = compare("pyarrow", [tuple(d[k[0]] for k in kinds) for d in table.to_pylist()])
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
readers["duckdb"] = compare("duckdb", con.execute("SELECT * FROM read_parquet(?)", [path]).fetchall())
readers["polars"] = compare("polars", polars.read_parquet(path).rows())

meta = pq.ParquetFile(path).metadata
columns = {}
for g in range(meta.num_row_groups):
    rg = meta.row_group(g)
    for c in range(rg.num_columns):
        col = rg.column(c)
        st = col.statistics
        columns.setdefault(col.path_in_schema, []).append({
            "type": str(table.schema.field(col.path_in_schema).type),
            "encodings": sorted(col.encodings),
            "min": str(st.min) if st is not None and st.has_min_max else None,
            "max": str(st.max) if st is not None and st.has_min_max else None,
            "nulls": st.null_count if st is not None else -1,
        })
print(json.dumps({"readers": readers, "columns": columns, "row_groups": meta.num_row_groups, "created_by": meta.created_by}))
"""#
}
