import Foundation
import ODPCore

/// Functions of the row-expression language. Text functions count characters (UTF-8 code
/// points), not bytes; dates are day numbers, as date fields are. A null or unreadable
/// argument makes the result null, so the row is skipped unless the rule says `required: true`.
///
/// | function | result |
/// | --- | --- |
/// | `substr(s, start[, length])` | characters from `start` (1 = first) |
/// | `length(s)` | number of characters |
/// | `starts_with(s, prefix)`, `contains(s, part)` | true/false |
/// | `date(s[, 'YYYYMMDD'])` | a text read as a date (ISO by default, or the given format) |
/// | `years_between(a, b)` | whole years from date a to date b (an age) |
/// | `id_birth(id)`, `id_sex(id)`, `id_region(id)` | birth date, 1 (男) / 2 (女), region code of a 公民身份号码 (18 or 15 digits) |
/// | `uscc_region(code)` | characters 3–8 of a 统一社会信用代码 |
enum ExpressionFunction: String, CaseIterable {
    case substr, length, contains, date
    case startsWith = "starts_with"
    case yearsBetween = "years_between"
    case idBirth = "id_birth", idSex = "id_sex", idRegion = "id_region"
    case usccRegion = "uscc_region"

    var arity: ClosedRange<Int> {
        switch self {
        case .substr: return 2...3
        case .startsWith, .contains, .yearsBetween: return 2...2
        case .date: return 1...2
        default: return 1...1
        }
    }

    var isLogical: Bool { self == .startsWith || self == .contains }

    /// Arguments read as text even from a number or date field (an ID stored as an integer).
    var readsText: Bool { self != .date && self != .yearsBetween }

    var usage: String {
        switch self {
        case .substr: return "substr(text, start, length)"
        case .date: return "date(text) or date(text, 'YYYYMMDD')"
        case .yearsBetween: return "years_between(from_date, to_date)"
        case .startsWith: return "starts_with(text, prefix)"
        case .contains: return "contains(text, part)"
        default: return "\(rawValue)(field)"
        }
    }
}

extension ExpressionFunction {
    /// What an argument gives, as far as the definition shows.
    enum ArgumentKind { case text, number, date, other }

    static func kind(_ node: CompiledExpression.Node) -> ArgumentKind {
        switch node {
        case .constant(.text), .field(_, .text): return .text
        case .constant(.number), .field(_, .number): return .number
        case .field(_, .date), .parseDate: return .date
        case .call(let f, _):
            switch f {
            case .idBirth: return .date
            case .length, .idSex, .yearsBetween: return .number
            case .substr, .idRegion, .usccRegion: return .text
            default: return .other
            }
        default: return .other
        }
    }

    /// Why these arguments would make the function null on every row, so the mistake is a
    /// definition error at load time rather than a rule that silently checks nothing: text or
    /// a number where `years_between` needs dates, a number literal where text is read
    /// (`starts_with(region, 35)`), text or a position before 1 where `substr` counts.
    func argumentProblem(_ args: [CompiledExpression.Node]) -> String? {
        switch self {
        case .yearsBetween:
            let dates = args.allSatisfy { arg in
                if case .constant(.number) = arg { return true }  // a date('…') literal, read when bound
                return ![.text, .number].contains(Self.kind(arg))
            }
            guard dates else {
                return "的参数应为日期（dates）：日期字段、date('YYYY-MM-DD')、date(field, 'YYYYMMDD') 或 id_birth(…)"
            }
        case .substr:
            for position in args.dropFirst() {
                if [.text, .date].contains(Self.kind(position)) { return "的起始位置和长度应为数字（numbers）" }
                if case .constant(.number(let n)) = position, n < 0 || n != n.rounded() { return "的起始位置和长度应为非负整数" }
                if case .negate(.constant(.number)) = position { return "的起始位置和长度应为非负整数" }
            }
            if case .constant(.number(let start)) = args[1], start < 1 { return "的起始位置从 1 开始（1 = first character）" }
        default:
            break
        }
        guard readsText else { return nil }
        let texts = self == .substr ? Array(args.prefix(1)) : args
        if texts.contains(where: { if case .constant(.number) = $0 { return true }; return false }) {
            return "读取文本（reads text）：数字请加引号，如 '35'"
        }
        return nil
    }
}

extension CompiledExpression {
    static func bindCall(_ name: String, _ args: [Node], at offset: Int) throws -> Node {
        guard let f = ExpressionFunction(rawValue: name) else {
            let hint = Suggest.closest(to: name, in: ExpressionFunction.allCases.map(\.rawValue)).map { "；是否应为 `\($0)`？" } ?? ""
            throw Expression.SyntaxError(offset: offset, message: "未知的函数（unknown function）`\(name)`\(hint)")
        }
        guard f.arity.contains(args.count) else {
            throw Expression.SyntaxError(offset: offset, message: "`\(name)` 需要 \(f.arity.lowerBound == f.arity.upperBound ? "\(f.arity.lowerBound)" : "\(f.arity.lowerBound)–\(f.arity.upperBound)") 个参数（arguments）：\(f.usage)")
        }
        let bound = args.map { arg -> Node in
            if f.readsText, case .field(let column, _) = arg { return .field(column, .text) }
            return arg
        }
        if let problem = f.argumentProblem(bound) {
            throw Expression.SyntaxError(offset: offset, message: "`\(name)` \(problem)：\(f.usage)")
        }
        guard f == .date else { return .call(f, bound) }
        var formats = [DateFormat.isoDate, DateFormat.isoDateTime]
        if bound.count == 2 {
            guard case .constant(.text(let pattern)) = bound[1], let format = DateFormat(String(decoding: pattern, as: UTF8.self)) else {
                throw Expression.SyntaxError(offset: offset, message: "`date` 的第二个参数是加引号的格式，如 'YYYYMMDD'")
            }
            formats = [format]
        }
        // A literal is read once, here, so a typo is a definition error rather than a null per row.
        if case .constant(.text(let text)) = bound[0] {
            guard let d = formats.parse(text) else {
                throw Expression.SyntaxError(offset: offset, message: "`\(String(decoding: text, as: UTF8.self))` 不是日期（not a date，\(formats[0].pattern)）")
            }
            return .constant(.number(dayNumber(d)))
        }
        return .parseDate(bound[0], formats)
    }

    func call(_ f: ExpressionFunction, _ args: [Node], _ row: Int, _ cells: RowBatch.Cells) -> Value {
        switch f {
        case .length:
            guard case .text(let t) = eval(args[0], row, cells) else { return .null }
            return .number(Double(Self.characterCount(t)))
        case .substr:
            guard case .text(let t) = eval(args[0], row, cells), case .number(let start) = eval(args[1], row, cells) else { return .null }
            var count = Int.max
            if args.count == 3 {
                guard case .number(let n) = eval(args[2], row, cells) else { return .null }
                count = max(0, Int(n))
            }
            return .text(Self.substring(t, from: max(1, Int(start)), count: count))
        case .startsWith, .contains:
            guard case .text(let t) = eval(args[0], row, cells), case .text(let part) = eval(args[1], row, cells) else { return .null }
            return .bool(f == .startsWith ? t.starts(with: part) : Self.find(part, in: t))
        case .yearsBetween:
            guard case .number(let a) = eval(args[0], row, cells), case .number(let b) = eval(args[1], row, cells) else { return .null }
            return .number(Double(CivilDays.completedYears(from: Int(a.rounded(.down)), to: Int(b.rounded(.down)))))
        case .idBirth, .idSex, .idRegion, .usccRegion:
            guard case .text(let t) = eval(args[0], row, cells) else { return .null }
            switch f {
            case .idBirth: return CitizenID.birthDay(t).map { .number(Double($0)) } ?? .null
            case .idSex: return CitizenID.sexCode(t).map { .number(Double($0)) } ?? .null
            case .idRegion: return CitizenID.region(t).map(Value.text) ?? .null
            default: return CreditCodeStructure.region(t).map(Value.text) ?? .null
            }
        case .date:
            return .null  // bound as `parseDate`
        }
    }

    static func characterCount(_ t: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in t where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// Up to `count` characters from character `from` (1-based), as a view into `t`.
    static func substring(_ t: UnsafeBufferPointer<UInt8>, from: Int, count: Int) -> UnsafeBufferPointer<UInt8> {
        var i = 0, seen = 0
        // Skip to the first byte of character `from`.
        while i < t.count {
            if t[i] & 0xC0 != 0x80 { seen += 1; if seen == from { break } }
            i += 1
        }
        let start = i
        var taken = 0
        while i < t.count {
            if t[i] & 0xC0 != 0x80 { if taken == count { break }; taken += 1 }
            i += 1
        }
        return UnsafeBufferPointer(rebasing: t[start..<i])
    }

    static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        let first = needle[0]
        for i in 0...(haystack.count - needle.count) where haystack[i] == first {
            if memcmp(haystack.baseAddress! + i, needle.baseAddress!, needle.count) == 0 { return true }
        }
        return false
    }
}
