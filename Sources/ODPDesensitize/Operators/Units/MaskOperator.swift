import ODPCore

struct MaskOperator: OperatorUnit, CellOperator {
    static let slug = "mask"
    static let parameters: String? = "`keep_first`, `keep_last` (characters; Chinese-aware: 张*明), `char` (default `*`)"
    static let summary = UnitSummary(chinese: "保留首尾若干字符，其余以掩码字符代替",
                                     english: "Keeps the first and last characters and masks the rest")
    static let findings = ["已掩码：保留前 {keep_first} 个、后 {keep_last} 个字符，其余以“{char}”代替"]

    let keepFirst: Int
    let keepLast: Int
    let char: [UInt8]

    static func parse(_ op: OperatorParse) -> MaskOperator? {
        let r = op.r
        let first = r.int("keep_first", range: 0...64) ?? 0
        let last = r.int("keep_last", range: 0...64) ?? 0
        let char = r.string("char") ?? "*"
        if char.isEmpty { r.error("\(op.label).char 不能为空", at: r.raw("char")?.location) }
        return MaskOperator(keepFirst: first, keepLast: last, char: Array(char.utf8))
    }

    func compile(_ c: OperatorCompile) throws -> any CellOperator { self }

    func note(_ c: OperatorNote) -> String {
        "已掩码：保留前 \(keepFirst) 个、后 \(keepLast) 个字符，其余以“\(String(decoding: char, as: UTF8.self))”代替"
    }

    /// Character-aware: counts UTF-8 scalars, so 张三明 keeps 张 and 明. At least one
    /// character is always masked (a 2-character name with keep 1+1 becomes 张*).
    func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
               found: (IdentifierKind) -> Void) -> CellResult {
        var total = 0
        for b in cell where b & 0xC0 != 0x80 { total += 1 }
        guard total > 0 else { return .scratch }
        var first = keepFirst, last = keepLast
        while first + last >= total, first + last > 0 { if last > 0 { last -= 1 } else { first -= 1 } }
        // Where the first masked and the first kept trailing character start; the kept parts
        // are copied whole, not byte by byte.
        var index = -1, head = cell.count, tail = cell.count
        for i in 0..<cell.count where cell[i] & 0xC0 != 0x80 {
            index += 1
            if index == first { head = i }
            if index == total - last { tail = i; break }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[0..<head]))
        for _ in 0..<(total - first - last) { out.append(contentsOf: char) }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[tail...]))
        return .scratch
    }
}
