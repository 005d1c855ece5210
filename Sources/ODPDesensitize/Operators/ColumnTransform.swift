import Foundation
import ODPCore

/// One output column: its source column and the compiled operator with what it needs at
/// run time (HMAC state, date layouts, the region table). Immutable once built, so both
/// halves of `Desensitizer.transform` may read it at once.
final class ColumnTransform: Sendable {
    enum Result { case copy, null, scratch }

    /// `op` without its reference-counted payloads, for `apply` to switch on per cell:
    /// switching on `op` copied them, four outlined copies and destroys a cell.
    enum Step {
        case copy, mask(keepFirst: Int, keepLast: Int), pseudonym(bytes: Int), generalize(Operator.Generalization)
        case round(Operator.Rounding), suppressWhen, replace, redact, maskEmbedded
    }

    let source: Int
    let field: FieldDefinition
    let op: Operator?
    let step: Step
    /// The bytes `step` writes: the mask character, the pseudonym prefix, the replacement,
    /// or the redaction marker.
    let constant: [UInt8]
    /// The values of the other field that blank this one (`suppress when`).
    let conditionValues: [[UInt8]]
    let nameLike: Bool
    let cardLabelled: Bool
    let hmac: PseudonymHMAC?
    let dateFormats: [DateFormat]
    let regions: CodeTable?
    let runDate: CivilDateTime
    let scanner: IdentifierScanner
    /// Column index (source schema) for `suppress when`.
    let conditionColumn: Int?
    /// Source columns whose values `mask_embedded` masks in this one.
    let embeddedColumns: [Int]

    init(source: Int, field: FieldDefinition, op: Operator?, sourceSchema: Schema, context: StageContext,
         marker: [UInt8], scanner: IdentifierScanner) throws {
        self.source = source
        self.field = field
        self.op = op
        self.nameLike = ChineseNames.isNameLike(name: field.name, title: field.title)
        self.cardLabelled = ColumnTransform.isCardLabelled(field)
        self.runDate = context.runDate
        self.scanner = scanner
        var constant: [UInt8] = [], conditionValues: [[UInt8]] = []
        switch op {
        case nil, .drop, .suppressRare: step = .copy
        case .mask(let first, let last, let char): step = .mask(keepFirst: first, keepLast: last); constant = char
        case .pseudonym(let prefix, let bytes): step = .pseudonym(bytes: bytes); constant = prefix
        case .generalize(let g): step = .generalize(g)
        case .round(let r): step = .round(r)
        case .suppressWhen(_, let values): step = .suppressWhen; conditionValues = values
        case .replace(let value): step = .replace; constant = value
        case .redact(let own): step = .redact; constant = own ?? marker
        case .maskEmbedded(_, let char): step = .maskEmbedded; constant = char
        }
        self.constant = constant
        self.conditionValues = conditionValues
        var hmac: PseudonymHMAC?, dateFormats: [DateFormat] = [], regions: CodeTable?
        var conditionColumn: Int?, embeddedColumns: [Int] = []
        switch op {
        case .pseudonym:
            guard let key = context.pseudonymKey, !key.isEmpty, let keyID = context.pseudonymKeyID, !keyID.isEmpty else {
                let why = context.pseudonymKeyProblem ?? "odp.yml 中没有 keys.pseudonym"
                throw ODPError.usage("字段 `\(field.name)`：假名化（pseudonym）需要假名化密钥（\(why)）；没有密钥不发布").coded(.secretUnavailable)
            }
            // The key id is hashed in, so a new key id rotates every pseudonym even with the same secret.
            hmac = PseudonymHMAC(key: key, keyID: keyID)
        case .generalize(.region(_, true)):
            guard let table = context.codeTables["gb2260"] else {
                throw ODPError.usage("字段 `\(field.name)`：`name: true` 需要 gb2260 代码表（odp.yml 中的 code_tables.gb2260）")
            }
            regions = table
        case .generalize:
            var formats: [DateFormat] = []
            if let f = field.format.flatMap(DateFormat.init) { formats.append(f) }
            for p in ["YYYY-MM-DD", "YYYYMMDD", "YYYY/M/D", "YYYY-MM-DDThh:mm:ss", "YYYY-MM-DD hh:mm:ss", "YYYY-MM", "YYYY年M月D日"] {
                if let f = DateFormat(p) { formats.append(f) }
            }
            dateFormats = formats
        case .suppressWhen(let name, _):
            conditionColumn = sourceSchema.index(of: name)
        case .maskEmbedded(let names, _):
            embeddedColumns = names.compactMap(sourceSchema.index(of:))
        default:
            break
        }
        self.hmac = hmac
        self.dateFormats = dateFormats
        self.regions = regions
        self.conditionColumn = conditionColumn
        self.embeddedColumns = embeddedColumns
    }

    static func isCardLabelled(_ field: FieldDefinition) -> Bool {
        let n = field.name.lowercased()
        return n.contains("card") || n.contains("account") || ["卡号", "银行卡", "账号", "帐号"].contains { field.title.contains($0) }
    }

    /// Whether the operator scans the source cell for identifiers anyway (`redact`): its
    /// findings are the cell's "before" hits, and a cell it leaves unchanged has none after.
    var scansSource: Bool {
        if case .redact = op { return true }
        return false
    }

    /// Writes the transformed cell into `out` (for `.scratch`). `cells` is the source batch.
    /// An operator that scans the source (`scansSource`) reports each identifier to `found`.
    func apply(_ cells: RowBatch.Cells, row: Int, out: inout [UInt8], found: (IdentifierKind) -> Void) -> Result {
        guard let cell = cells[row, source] else {
            if case .replace = step { out.append(contentsOf: constant); return .scratch }
            return .null
        }
        switch step {
        case .copy:
            return .copy
        case .mask(let first, let last):
            mask(cell, keepFirst: first, keepLast: last, char: constant, into: &out)
            return .scratch
        case .pseudonym(let bytes):
            if cell.allSatisfy({ $0 == 0x20 }) { return .copy }
            pseudonym(cell, prefix: constant, bytes: bytes, into: &out)
            return .scratch
        case .generalize(let g):
            return generalize(g, cell, into: &out) ? .scratch : .null
        case .round(let rounding):
            return round(rounding, cell, into: &out) ? .scratch : .null
        case .suppressWhen:
            guard let column = conditionColumn, let other = cells[row, column] else { return .copy }
            return conditionValues.contains(where: { $0.elementsEqual(other) }) ? .null : .copy
        case .replace:
            out.append(contentsOf: constant)
            return .scratch
        case .redact:
            return redact(cell, into: &out, found: found) ? .scratch : .copy
        case .maskEmbedded:
            return maskEmbedded(cells, row: row, cell, into: &out) ? .scratch : .copy
        }
    }

    // MARK: Operators

    /// Character-aware: counts UTF-8 scalars, so 张三明 keeps 张 and 明. At least one
    /// character is always masked (a 2-character name with keep 1+1 becomes 张*).
    func mask(_ cell: UnsafeBufferPointer<UInt8>, keepFirst: Int, keepLast: Int, char: [UInt8], into out: inout [UInt8]) {
        var total = 0
        for b in cell where b & 0xC0 != 0x80 { total += 1 }
        guard total > 0 else { return }
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
    }

    /// HMAC-SHA256(key, key id ‖ 0x1F ‖ value): surrounding spaces trimmed and ASCII letters
    /// upper-cased first, so `…x` and `…X` ID numbers give the same pseudonym. Written in
    /// `PseudonymHMAC.alphabet` (format version `PseudonymHMAC.formatVersion`).
    func pseudonym(_ cell: UnsafeBufferPointer<UInt8>, prefix: [UInt8], bytes: Int, into out: inout [UInt8]) {
        guard let hmac else { return }
        var s = 0, e = cell.count
        while s < e, cell[s] == 0x20 { s += 1 }
        while e > s, cell[e - 1] == 0x20 { e -= 1 }
        out.append(contentsOf: prefix)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(32, e - s)) { buf in
            for i in s..<e { let b = cell[i]; buf[i - s] = b >= 0x61 && b <= 0x7a ? b - 0x20 : b }
            hmac.mac(UnsafeBufferPointer(rebasing: buf[0..<(e - s)]), into: buf.baseAddress!)
            PseudonymHMAC.appendLetters(UnsafeBufferPointer(start: buf.baseAddress!, count: min(bytes, 32)), into: &out)
        }
    }

    /// Replaces every identifier found in the text with the marker; false when nothing was found.
    func redact(_ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], found: (IdentifierKind) -> Void) -> Bool {
        var ranges: [Range<Int>] = []
        scanner.scan(cell, nameLike: nameLike, cardLabelled: cardLabelled) { kind, r in ranges.append(r); found(kind) }
        guard !ranges.isEmpty else { return false }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var at = 0
        for r in ranges {
            if r.lowerBound >= at {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[at..<r.lowerBound]))
                out.append(contentsOf: constant)
                at = r.upperBound
            } else if r.upperBound > at {
                at = r.upperBound
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[at...]))
        return true
    }

    func round(_ rounding: Rounding, _ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        switch rounding {
        case .digits(let digits):
            return DecimalText.normalize(cell, scale: digits, into: &out)
        case .multiple(let m):
            guard let v = DecimalText.parseDouble(cell) else { return false }
            let r = (v / m).rounded(.toNearestOrAwayFromZero) * m
            out.append(contentsOf: Array(Self.format(r, like: m).utf8))
            return true
        }
    }

    typealias Rounding = Operator.Rounding

    /// Prints `x` with as many decimals as `step` has (no binary noise like 0.30000000000000004).
    static func format(_ x: Double, like step: Double) -> String {
        if step == step.rounded(), abs(x) < 1e15 { return String(Int64(x.rounded())) }
        var decimals = 0
        var s = step
        while s != s.rounded(), decimals < 10 { s *= 10; decimals += 1 }
        return String(format: "%.\(decimals)f", x)
    }
}
