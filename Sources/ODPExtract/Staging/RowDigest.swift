import CSQLite
import Crypto
import Foundation
import ODPCore

/// The row and key digests reconciliation compares, defined once so that PostgreSQL (in
/// SQL), SQLite (through the functions registered here) and Swift agree byte for byte.
///
/// A row's text is its fields' text in schema order joined by U+001F, NULL and empty both
/// as nothing (a reader turns an empty cell into null); its digest is MD5 as lower-case hex.
/// A key range is a prefix of the key's digest, so ranges are the same on every side
/// whatever the collation, and a range's checksum is its row count and the sums of two
/// 32-bit words of each row digest: order-free, so neither side has to sort.
enum RowDigest {
    static let separator: UInt8 = 0x1F

    /// MD5 of `bytes` as 32 lower-case hex digits.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let digest = Insecure.MD5.hash(data: bytes)
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for b in digest { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { hex($0) } }

    /// The joined text of `columns` of one batch row.
    static func text(_ batch: RowBatch, row: Int, columns: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, c) in columns.enumerated() {
            if i > 0 { out.append(separator) }
            if let cell = batch.cellBytes(row, c) { out += cell }
        }
        return out
    }

    /// Registers `odp_md5(text)`, `odp_hex32(hex, position)` and `odp_cell(value)` (the cell
    /// as a reader gives it: REAL as the shortest decimal, NULL as '').
    static func register(in db: OpaquePointer?) {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        sqlite3_create_function_v2(db, "odp_md5", 1, flags, nil, { context, _, args in
            guard let value = args?[0], let text = sqlite3_value_text(value) else { sqlite3_result_null(context); return }
            let n = Int(sqlite3_value_bytes(value))
            let digest = RowDigest.hex(UnsafeRawBufferPointer(start: text, count: n))
            sqlite3_result_text(context, digest, -1, sqliteTransient)
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "odp_hex32", 2, flags, nil, { context, _, args in
            guard let value = args?[0], let text = sqlite3_value_text(value) else { sqlite3_result_null(context); return }
            let n = Int(sqlite3_value_bytes(value)), from = Int(sqlite3_value_int(args![1])) - 1
            guard from >= 0, from + 8 <= n else { sqlite3_result_null(context); return }
            var word: Int64 = 0
            for i in from..<(from + 8) {
                let c = text[i]
                word = word << 4 | Int64(c <= 0x39 ? c &- 0x30 : (c | 0x20) &- 0x57)
            }
            sqlite3_result_int64(context, word)
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "odp_cell", 1, flags, nil, { context, _, args in
            guard let value = args?[0] else { sqlite3_result_text(context, "", 0, sqliteTransient); return }
            switch sqlite3_value_type(value) {
            case SQLITE_NULL: sqlite3_result_text(context, "", 0, sqliteTransient)
            case SQLITE_FLOAT: sqlite3_result_text(context, NumberText.text(sqlite3_value_double(value)), -1, sqliteTransient)
            default:
                let text = sqlite3_value_text(value)
                sqlite3_result_text(context, text.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, sqlite3_value_bytes(value), sqliteTransient)
            }
        }, nil, nil, nil)
    }
}

/// How one database dialect writes the digest expressions.
struct DigestSQL: Sendable {
    let md5: @Sendable (String) -> String
    let hex32: @Sendable (String, Int) -> String
    /// A column's text as the reader gives it; the flag says whether the column is boolean.
    let cell: @Sendable (String, Bool) -> String
    let separator: String
    /// Makes a text comparison bytewise, so both sides sort key digests alike.
    let bytewise: String

    static let postgres = DigestSQL(
        md5: { "md5(\($0))" },
        hex32: { "('x' || substr(\($0), \($1), 8))::bit(32)::bigint" },
        cell: { column, isBool in
            isBool ? "(CASE WHEN \(column) THEN 'true' WHEN NOT \(column) THEN 'false' ELSE '' END)" : "coalesce(\(column)::text, '')"
        },
        separator: "chr(31)", bytewise: " COLLATE \"C\"")

    static let sqlite = DigestSQL(md5: { "odp_md5(\($0))" }, hex32: { "odp_hex32(\($0), \($1))" }, cell: { column, _ in "odp_cell(\(column))" },
                                  separator: "char(31)", bytewise: "")

    /// Rows in key-digest order, the order reconciliation merges the two sides in.
    func keyOrder(_ keys: [(name: String, isBool: Bool)]) -> String { md5(text(keys)) + bytewise }

    /// The joined text of `columns` (quoted names) as one expression.
    func text(_ columns: [(name: String, isBool: Bool)]) -> String {
        columns.map { cell(SQLText.quoteColumn($0.name), $0.isBool) }.joined(separator: " || \(separator) || ")
    }

    /// The source rows whose key digest starts with one of `prefixes` (hex only, checked).
    func keyFilter(keys: [(name: String, isBool: Bool)], prefixes: [String]) -> String {
        let width = prefixes.first?.count ?? 0
        let list = prefixes.filter { $0.allSatisfy(\.isHexDigit) }.map { "'\($0)'" }.joined(separator: ", ")
        return "substr(\(md5(text(keys))), 1, \(width)) IN (\(list))"
    }

    /// Per key range: the range (digest prefix of `width`), row count and the two word sums.
    func checksums(base: String, keys: [(name: String, isBool: Bool)], fields: [(name: String, isBool: Bool)], include: String?,
                   width: Int, within prefixes: [String]?) -> String {
        var sql = "SELECT substr(k, 1, \(width)) AS r, count(*), sum(\(hex32("h", 1))), sum(\(hex32("h", 9))) FROM "
            + "(SELECT \(md5(text(keys))) AS k, \(md5(text(fields))) AS h FROM (\(base)) AS odp_source"
            + (include.map { " WHERE \($0)" } ?? "") + ") AS odp_rows"
        if let prefixes {
            let parent = prefixes.first?.count ?? 0
            sql += " WHERE substr(k, 1, \(parent)) IN (" + prefixes.filter { $0.allSatisfy(\.isHexDigit) }.map { "'\($0)'" }.joined(separator: ", ") + ")"
        }
        return sql + " GROUP BY 1"
    }
}
