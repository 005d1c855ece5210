import ODPCore

extension ColumnTransform {
    /// Masks each occurrence of a `mask_embedded` field's value (same row) in `cell`, like a
    /// name mask: a Chinese value keeps its surname (宁阳县付*理发及美容服务部, 欧阳**), any other
    /// value is masked whole, one mask character per character. False when nothing was found.
    ///
    /// Looks for the same values as the same-row check (`EmbeddedIdentifiers.needle`), so a
    /// cell this leaves unchanged has no such hit and a changed one has none left.
    func maskEmbedded(_ cells: RowBatch.Cells, row: Int, _ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        // Allocated only when a value is found: most cells hold none.
        var spans: [(range: Range<Int>, keep: Int)] = []
        for d in embeddedColumns {
            guard let value = cells[row, d], let needle = EmbeddedIdentifiers.needle(value) else { continue }
            var from = 0
            while let at = EmbeddedIdentifiers.find(needle, in: cell, from: from, to: cell.count) {
                spans.append((at..<(at + needle.count), ChineseNames.surnameLength(needle)))
                from = at + needle.count
            }
        }
        guard !spans.isEmpty else { return false }
        spans.sort { $0.range.lowerBound < $1.range.lowerBound }
        var at = 0
        for span in spans where span.range.upperBound > at {
            // An occurrence overlapping one already masked is masked from there on, surname included.
            let start = max(at, span.range.lowerBound)
            let kept = start == span.range.lowerBound ? span.keep : 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[at..<(start + kept)]))
            for i in (start + kept)..<span.range.upperBound where cell[i] & 0xC0 != 0x80 { out.append(contentsOf: constant) }
            at = span.range.upperBound
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[at...]))
        return true
    }
}
