import Foundation
import ODPCore

/// The same-row check: the source value of a `class: direct` field (姓名, 身份证号, 手机号 …)
/// inside another cell of the row is a hit of kind `embedded_identifier`. A 个体工商户 is
/// often named after its operator (宁阳县付强理发及美容服务部), so masking `operator_name`
/// alone publishes the name anyway, in a cell no pattern can recognise.
///
/// Works on the cells' bytes, with nothing allocated per cell: per row and direct field, one
/// byte search in each text cell at least as long as the value. Measured on rows like the
/// benchmark's (15 fields, 3 direct, 260 bytes), this cost less than one search across the
/// whole row, whose numbers and dates only add false starts.
///
/// ## Edge behaviour
/// - Only text fields (`string`, `code`) are searched: a validated number or date holds no
///   name, and a number that is an identifier is the scanner's to find.
/// - Values shorter than `minimumBytes` after trimming spaces, placeholders (不详, 未知 …) and
///   values of one repeated character (000000, ******) are not looked for.
/// - A column is not compared with the direct field it is made from (its own operator
///   handles it); every other column is, direct ones included.
/// - One hit per cell and direct field, however often the value occurs in the cell.
struct EmbeddedIdentifiers {
    /// Source columns of the direct fields.
    let direct: [Int]

    /// 6 bytes is two Chinese characters: a 2-character name (付强, 王芳) is a quarter of all
    /// names, so the bound must admit it, while one character is a surname or a word and would
    /// match everywhere. For Latin and digit values 6 bytes leaves out short numbers (house
    /// numbers, amounts, years) that recur in unrelated fields; every identifier kind the
    /// scanner knows (phones, ID numbers, cards) is longer.
    static let minimumBytes = 6

    /// Values that stand for "no value" in a name or number field (none longer than 9 bytes).
    static let placeholders: [[UInt8]] = ["不详", "未知", "暂无", "其他", "其它", "没有", "不适用", "null", "NULL"].map { Array($0.utf8) }

    init(schema: Schema) {
        direct = schema.fields.indices.filter { schema.fields[$0].privacyClass == .direct }
    }

    /// Whether cells of this type are searched.
    static func searches(_ type: FieldType) -> Bool { type == .string || type == .code }

    /// Looks in each of `columns` of `target` (with the source column it is made from) for
    /// the direct values of the same row of `source`; `target` may be `source` itself.
    func scan(source: RowBatch.Cells, target: RowBatch.Cells, columns: [(column: Int, origin: Int)], rowCount: Int,
              sourceRows: UnsafeBufferPointer<Int>, into counter: inout HitCounter) {
        guard !direct.isEmpty, !columns.isEmpty else { return }
        for r in 0..<rowCount {
            for d in direct {
                guard let value = source[r, d], let needle = Self.needle(value) else { continue }
                for (c, origin) in columns where origin != d {
                    guard let cell = target[r, c], cell.count >= needle.count,
                          Self.find(needle, in: cell, from: 0, to: cell.count) != nil else { continue }
                    counter.add(field: c, kind: .embedded, row: sourceRows[r])
                    counter.addEmbeddedSource(field: c, direct: d)
                }
            }
        }
    }

    /// The part of a direct cell to look for, or nil when it is too short or says nothing.
    static func needle(_ cell: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var s = 0, e = cell.count
        while s < e, cell[s] == 0x20 { s += 1 }
        while e > s, cell[e - 1] == 0x20 { e -= 1 }
        guard e - s >= minimumBytes else { return nil }
        let value = UnsafeBufferPointer(rebasing: cell[s..<e])
        let width = value[0] < 0x80 ? 1 : value[0] >= 0xF0 ? 4 : value[0] >= 0xE0 ? 3 : 2
        // One character repeated (000000, ＊＊): a filler, not a value.
        if value.count % width == 0, (0..<(value.count / width)).allSatisfy({ k in (0..<width).allSatisfy { value[k * width + $0] == value[$0] } }) {
            return nil
        }
        if value.count <= 9, placeholders.contains(where: { $0.elementsEqual(value) }) { return nil }
        return value
    }

    @inline(__always)
    static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int? {
        ByteSearch.find(needle, in: haystack, from: from, to: end)
    }
}
