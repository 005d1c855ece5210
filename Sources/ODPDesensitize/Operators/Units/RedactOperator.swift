import ODPCore

struct RedactOperator: OperatorUnit {
    static let slug = "redact"
    static let parameters: String? = "`marker` (default `[已脱敏]`): identifiers inside free text"
    static let summary = UnitSummary(chinese: "将文本中识别出的个人信息替换为标记",
                                     english: "Replaces the identifiers found inside free text with a marker")
    static let findings = ["文本中的个人信息已替换为“{marker}”"]

    /// Nil: `privacy.redact_marker`.
    let marker: [UInt8]?

    static func parse(_ op: OperatorParse) -> RedactOperator? {
        RedactOperator(marker: op.r.string("marker").map { Array($0.utf8) })
    }

    func compile(_ c: OperatorCompile) throws -> any CellOperator {
        Cell(marker: marker ?? c.marker, scanner: c.scanner, nameLike: c.nameLike, cardLabelled: c.cardLabelled)
    }

    func note(_ c: OperatorNote) -> String { "文本中的个人信息已替换为“\(c.redactMarker)”" }

    struct Cell: CellOperator {
        let marker: [UInt8]
        let scanner: IdentifierScanner
        let nameLike: Bool
        let cardLabelled: Bool

        var scansSource: Bool { true }

        /// Replaces every identifier found in the text with the marker; the cell is copied
        /// when nothing was found.
        func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
                   found: (IdentifierKind) -> Void) -> CellResult {
            var ranges: [Range<Int>] = []
            scanner.scan(cell, nameLike: nameLike, cardLabelled: cardLabelled) { kind, r in ranges.append(r); found(kind) }
            guard !ranges.isEmpty else { return .copy }
            ranges.sort { $0.lowerBound < $1.lowerBound }
            var at = 0
            for r in ranges {
                if r.lowerBound >= at {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[at..<r.lowerBound]))
                    out.append(contentsOf: marker)
                    at = r.upperBound
                } else if r.upperBound > at {
                    at = r.upperBound
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[at...]))
            return .scratch
        }
    }
}
