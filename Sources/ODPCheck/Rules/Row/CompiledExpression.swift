import ODPCore

/// An `Expression` bound to column indices and field types, evaluated on cell bytes.
final class CompiledExpression {
    enum Value {
        case null
        case number(Double)
        case text(UnsafeBufferPointer<UInt8>)
        case bool(Bool)
    }

    enum FieldKind { case number, date([DateFormat]), bool, text }

    indirect enum Node {
        case constant(Value)
        case field(Int, FieldKind)
        case isNull(Node, Bool)
        case negate(Node)
        case not(Node)
        case and(Node, Node)
        case or(Node, Node)
        case arithmetic(UInt8, Node, Node)
        case compare(String, Node, Node)
        case call(ExpressionFunction, [Node])
        /// `date(x)`: a text read with the formats, a date passed through.
        case parseDate(Node, [DateFormat])
    }

    private let root: Node
    private var literals: [UnsafeMutableBufferPointer<UInt8>] = []

    /// Unknown fields throw `Expression.SyntaxError` with the offset of the name.
    init(_ e: Expression, schema: Schema) throws {
        var literals: [UnsafeMutableBufferPointer<UInt8>] = []
        func bind(_ e: Expression) throws -> Node {
            switch e {
            case .number(let d): return .constant(.number(d))
            case .bool(let b): return .constant(.bool(b))
            case .null: return .constant(.null)
            case .text(let bytes):
                let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
                _ = buffer.initialize(from: bytes)
                literals.append(buffer)
                return .constant(.text(UnsafeBufferPointer(rebasing: buffer[0..<bytes.count])))
            case .field(let name, let offset):
                guard let i = schema.index(of: name) else {
                    throw Expression.SyntaxError(offset: offset, message: "`\(name)` 不是本数据集的字段（not a field）")
                }
                return .field(i, Self.kind(of: schema.fields[i]))
            case .negate(let x): return .negate(try bind(x))
            case .not(let x): return .not(try bind(x))
            case .binary(let op, let a, let b):
                if op == "==" || op == "!=" {
                    if case .null = b { return .isNull(try bind(a), op == "==") }
                    if case .null = a { return .isNull(try bind(b), op == "==") }
                }
                switch op {
                case "and": return .and(try bind(a), try bind(b))
                case "or": return .or(try bind(a), try bind(b))
                case "+", "-", "*", "/": return .arithmetic(Array(op.utf8)[0], try bind(a), try bind(b))
                default: return .compare(op, try bind(a), try bind(b))
                }
            case .call(let name, let args, let offset):
                return try Self.bindCall(name, try args.map(bind), at: offset)
            }
        }
        do { root = try bind(e) } catch {
            for l in literals { l.deallocate() }
            throw error
        }
        self.literals = literals
    }

    deinit { for l in literals { l.deallocate() } }

    static func kind(of field: FieldDefinition) -> FieldKind {
        switch field.type {
        case .integer, .number, .year: return .number
        case .boolean: return .bool
        case .date, .datetime, .yearmonth: return .date(FieldTypeCheck.dateFormats(for: field))
        default: return .text
        }
    }

    /// true / false, or nil when a null made the result unknown.
    func evaluate(row: Int, cells: RowBatch.Cells) -> Bool? {
        switch eval(root, row, cells) {
        case .bool(let b): return b
        default: return nil
        }
    }

    func eval(_ node: Node, _ row: Int, _ cells: RowBatch.Cells) -> Value {
        switch node {
        case .constant(let v): return v
        case .field(let column, let kind):
            guard let cell = cells.at(row, column), cell.count > 0 else { return .null }
            switch kind {
            case .text: return .text(cell)
            case .number: return NumberScan.double(cell).map(Value.number) ?? .null
            case .bool: return FieldTypeCheck.boolean(cell).map(Value.bool) ?? .null
            case .date(let formats):
                return formats.parse(cell).map { .number(Self.dayNumber($0)) } ?? .null
            }
        case .isNull(let x, let wantNull):
            if case .null = eval(x, row, cells) { return .bool(wantNull) }
            return .bool(!wantNull)
        case .negate(let x):
            if case .number(let d) = eval(x, row, cells) { return .number(-d) }
            return .null
        case .not(let x):
            if case .bool(let b) = eval(x, row, cells) { return .bool(!b) }
            return .null
        case .and(let a, let b):
            let x = eval(a, row, cells)
            if case .bool(false) = x { return .bool(false) }
            let y = eval(b, row, cells)
            if case .bool(false) = y { return .bool(false) }
            if case .bool(true) = x, case .bool(true) = y { return .bool(true) }
            return .null
        case .or(let a, let b):
            let x = eval(a, row, cells)
            if case .bool(true) = x { return .bool(true) }
            let y = eval(b, row, cells)
            if case .bool(true) = y { return .bool(true) }
            if case .bool(false) = x, case .bool(false) = y { return .bool(false) }
            return .null
        case .arithmetic(let op, let a, let b):
            guard let x = number(eval(a, row, cells)), let y = number(eval(b, row, cells)) else { return .null }
            switch op {
            case UInt8(ascii: "+"): return .number(x + y)
            case UInt8(ascii: "-"): return .number(x - y)
            case UInt8(ascii: "*"): return .number(x * y)
            default: return y == 0 ? .null : .number(x / y)
            }
        case .compare(let op, let a, let b):
            let x = eval(a, row, cells), y = eval(b, row, cells)
            guard let c = Self.order(x, y) else { return .null }
            switch op {
            case "==": return .bool(c == 0)
            case "!=": return .bool(c != 0)
            case "<": return .bool(c < 0)
            case "<=": return .bool(c <= 0)
            case ">": return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        case .call(let f, let args):
            return call(f, args, row, cells)
        case .parseDate(let x, let formats):
            switch eval(x, row, cells) {
            case .number(let d): return .number(d)
            case .text(let t): return formats.parse(t).map { .number(Self.dayNumber($0)) } ?? .null
            default: return .null
            }
        }
    }

    private func number(_ v: Value) -> Double? {
        switch v {
        case .number(let d): return d
        case .text(let t): return NumberScan.double(t)
        default: return nil
        }
    }

    /// Days since 1970 plus the time of day as a fraction, so `end - start` reads in days.
    static func dayNumber(_ d: CivilDateTime) -> Double {
        Double(CivilDays.days(d.year, d.month, d.day)) + Double(d.hour * 3600 + d.minute * 60 + d.second) / 86_400
    }

    /// -1/0/1, or nil when either side is null or they cannot be compared.
    static func order(_ x: Value, _ y: Value) -> Int? {
        switch (x, y) {
        case (.number(let a), .number(let b)): return a < b ? -1 : a > b ? 1 : 0
        case (.text(let a), .text(let b)): return compareBytes(a, b)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.number(let a), .text(let t)): return textAsNumber(t).map { a < $0 ? -1 : a > $0 ? 1 : 0 }
        case (.text(let t), .number(let b)): return textAsNumber(t).map { $0 < b ? -1 : $0 > b ? 1 : 0 }
        default: return nil
        }
    }

    /// A text literal next to a date reads as an ISO date, otherwise as a number.
    static func textAsNumber(_ t: UnsafeBufferPointer<UInt8>) -> Double? {
        if let d = DateFormat.isoDate.parse(t) ?? DateFormat.isoDateTime.parse(t) { return dayNumber(d) }
        return NumberScan.double(t)
    }

    static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
