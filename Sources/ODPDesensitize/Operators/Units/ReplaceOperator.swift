import ODPCore

struct ReplaceOperator: OperatorUnit, CellOperator {
    static let slug = "replace"
    static let parameters: String? = "`value`"
    static let summary = UnitSummary(chinese: "以固定值代替", english: "Replaces every value with `value`")
    static let findings = ["已替换为固定值"]

    let value: [UInt8]

    static func parse(_ op: OperatorParse) -> ReplaceOperator? {
        op.r.string("value", required: true).map { ReplaceOperator(value: Array($0.utf8)) }
    }

    func compile(_ c: OperatorCompile) throws -> any CellOperator { self }

    func note(_ c: OperatorNote) -> String { "已替换为固定值" }

    func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
               found: (IdentifierKind) -> Void) -> CellResult {
        out.append(contentsOf: value)
        return .scratch
    }

    /// Null cells too: every value is replaced.
    func applyNull(out: inout [UInt8]) -> CellResult {
        out.append(contentsOf: value)
        return .scratch
    }
}
