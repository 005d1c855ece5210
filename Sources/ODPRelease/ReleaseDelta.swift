import Foundation
import ODPCore

/// `data/<id>.delta.csv`: the rows that changed since the previous version, so a follower can
/// bring their copy up to date without downloading the whole table again.
///
/// Columns: `_op`, `_position`, then the release CSV's own columns, each row's fields as the
/// release CSV has them (same quoting, so the bytes carry over). `_op` is:
/// - `removed`: the previous version's row `_position` (1-based, header not counted) is gone;
///   only its key fields are filled;
/// - `added`, `changed`, `moved`: the row at `_position` of this version, whole. A changed row
///   replaces the previous row with its key; a moved row is unchanged but stands elsewhere.
///
/// Applying it: take the previous version's rows, leave out every row whose key a delta row
/// names, keep the rest in order, then put each `added`/`changed`/`moved` row at its
/// `_position`, in ascending order. The result is this version's CSV, byte for byte (header
/// and CRLF line ends as in the release). Rows that keep their order are not listed: of the
/// unchanged rows, those whose previous position is below one already kept are `moved`.
///
/// No delta is made without a primary key, when the header (or its BOM) changed, or when a
/// key repeats in either version: then the delta could not say which row is which.
///
/// Memory is bounded: (key, row, position) fingerprints are sorted in runs on disk
/// (`SortedRuns`), and both CSVs are streamed.
enum ReleaseDelta {
    static func fileName(_ datasetId: String) -> String { "data/\(datasetId).delta.csv" }

    /// Writes the delta to `output` and returns its counts; nil (and no file) when no delta can be made.
    static func write(previous: URL, current: URL, keyFields: [String], output: URL, scratch: URL) throws -> DeltaSummary? {
        guard !keyFields.isEmpty, try hasBOM(previous) == hasBOM(current) else { return nil }
        let (header, names) = try readHeader(current)
        guard try readHeader(previous).raw == header else { return nil }
        let keys = keyFields.compactMap { names.firstIndex(of: $0) }
        guard keys.count == keyFields.count else { return nil }

        let old = SortedRuns<KeyedRow>(directory: scratch), new = SortedRuns<KeyedRow>(directory: scratch)
        try fingerprint(previous, keys: keys, into: old)
        try fingerprint(current, keys: keys, into: new)
        // Ops by new position (key = position, row = op code); removed previous positions.
        let ops = FingerprintRuns(directory: scratch), removed = SortedRuns<UInt64>(directory: scratch)
        let unchanged = FingerprintRuns(directory: scratch)  // (new position, previous position)
        var summary = DeltaSummary(path: "data/" + output.lastPathComponent, added: 0, changed: 0, removed: 0, moved: 0)
        let a = try new.sorted(), b = try old.sorted()
        var x = try a.next(), y = try b.next()
        while x != nil || y != nil {
            if let n = x, let o = y, n.key == o.key {
                let nextNew = try a.next(), nextOld = try b.next()
                if nextNew?.key == n.key || nextOld?.key == o.key { return nil }  // a repeated key
                if n.row == o.row { try unchanged.append(key: n.position, row: o.position) } else {
                    try ops.append(key: n.position, row: Op.changed.rawValue)
                    summary.changed += 1
                }
                x = nextNew; y = nextOld
            } else if let n = x, y == nil || n.key < y!.key {
                let next = try a.next()
                if next?.key == n.key { return nil }
                try ops.append(key: n.position, row: Op.added.rawValue)
                summary.added += 1
                x = next
            } else if let o = y {
                let next = try b.next()
                if next?.key == o.key { return nil }
                try removed.append(o.position)
                summary.removed += 1
                y = next
            }
        }
        // Unchanged rows in this version's order: those whose previous position rises stay put.
        let kept = try unchanged.sorted()
        var last: UInt64 = 0
        var hasLast = false
        while let pair = try kept.next() {
            if !hasLast || pair.row > last { last = pair.row; hasLast = true; continue }
            try ops.append(key: pair.key, row: Op.moved.rawValue)
            summary.moved += 1
        }
        try render(header: header, keys: keys, previous: previous, current: current, removed: removed.sorted(), ops: ops.sorted(), to: output)
        return summary
    }

    enum Op: UInt64 {
        case added = 1, changed, moved
        var name: String {
            switch self {
            case .added: "added"
            case .changed: "changed"
            case .moved: "moved"
            }
        }
    }

    struct KeyedRow: Comparable, BitwiseCopyable {
        var key: UInt64
        var row: UInt64
        var position: UInt64
        static func < (a: KeyedRow, b: KeyedRow) -> Bool {
            (a.key, a.row, a.position) < (b.key, b.row, b.position)
        }
    }

    private static func hasBOM(_ url: URL) throws -> Bool {
        guard let h = FileHandle(forReadingAtPath: url.path) else { throw ODPError.io(url.path, "无法打开 CSV 文件（cannot open）") }
        defer { try? h.close() }
        return (try h.read(upToCount: 3)) == Data([0xEF, 0xBB, 0xBF])
    }

    /// The header record's bytes as written (without its line end), and its field names.
    private static func readHeader(_ url: URL) throws -> (raw: [UInt8], names: [String]) {
        var header: (raw: [UInt8], names: [String]) = ([], [])
        struct Stop: Error {}
        do {
            try CSVRecordReader(url: url).forEachRecord { base, fields in
                header = (raw(base, fields), fields.map { String(decoding: CSVRecordReader.unquoted(base, $0), as: UTF8.self) })
                throw Stop()
            }
        } catch is Stop {}
        return header
    }

    private static func raw(_ base: UnsafePointer<UInt8>, _ fields: [Range<Int>]) -> [UInt8] {
        guard let first = fields.first, let last = fields.last else { return [] }
        return Array(UnsafeBufferPointer(start: base + first.lowerBound, count: last.upperBound - first.lowerBound))
    }

    private static func fingerprint(_ url: URL, keys: [Int], into runs: SortedRuns<KeyedRow>) throws {
        var position: UInt64 = 0
        try CSVRecordReader(url: url).forEachRecord { base, fields in
            defer { position += 1 }
            guard position > 0 else { return }
            var keyHash = Fingerprint.seed
            for k in keys where k < fields.count {
                keyHash = Fingerprint.combine(keyHash, Fingerprint.hash(base + fields[k].lowerBound, fields[k].count))
            }
            var rowHash = Fingerprint.seed
            for f in fields { rowHash = Fingerprint.combine(rowHash, Fingerprint.hash(base + f.lowerBound, f.count)) }
            try runs.append(KeyedRow(key: keyHash, row: rowHash, position: position))
        }
    }

    private static func render(header: [UInt8], keys: [Int], previous: URL, current: URL,
                               removed: SortedRuns<UInt64>.Merge, ops: FingerprintRuns.Merge, to output: URL) throws {
        guard FileManager.default.createFile(atPath: output.path, contents: nil), let out = FileHandle(forWritingAtPath: output.path) else {
            throw ODPError.io(output.path, "无法创建增量文件（cannot create）")
        }
        defer { try? out.close() }
        var buffer: [UInt8] = Array("_op,_position,".utf8) + header + [0x0D, 0x0A]
        func flush(_ force: Bool) throws {
            guard force || buffer.count >= 1 << 20 else { return }
            try out.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        var position: UInt64 = 0
        var next = try removed.next()
        try CSVRecordReader(url: previous).forEachRecord { base, fields in
            defer { position += 1 }
            guard position > 0, position == next else { return }
            buffer += Array("removed,\(position),".utf8)
            for (i, f) in fields.enumerated() {
                if i > 0 { buffer.append(0x2C) }
                if keys.contains(i) { buffer.append(contentsOf: UnsafeBufferPointer(start: base + f.lowerBound, count: f.count)) }
            }
            buffer += [0x0D, 0x0A]
            next = try removed.next()
            try flush(false)
        }
        position = 0
        var op = try ops.next()
        try CSVRecordReader(url: current).forEachRecord { base, fields in
            defer { position += 1 }
            guard position > 0, let o = op, o.key == position else { return }
            buffer += Array("\(Op(rawValue: o.row)!.name),\(position),".utf8)
            buffer += raw(base, fields)
            buffer += [0x0D, 0x0A]
            op = try ops.next()
            try flush(false)
        }
        try flush(true)
    }
}
