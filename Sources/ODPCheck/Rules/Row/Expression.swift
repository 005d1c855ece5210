import ODPCore

/// The row-rule expression language: `end_date >= start_date`, `male + female == total`,
/// `status == '注销' or end_date != null`.
///
/// Operators: `+ - * /`, `== != < <= > >=` (`=` is read as `==`), `and or not`, parentheses,
/// numbers, string literals in '…' or "…", `true false null`. Field names are identifiers.
/// Functions (`substr`, `length`, `starts_with`, `contains`, `date`, `years_between`,
/// `id_birth`, `id_sex`, `id_region`, `uscc_region`): see `ExpressionFunction`.
///
/// ## Null handling
/// Arithmetic or a comparison with a null is null (SQL's three-valued logic): the row is
/// skipped for that rule instead of failing, unless the rule says `required: true`.
/// `x == null` and `x != null` test for nulls explicitly. Date fields compare as dates;
/// subtracting two dates gives days.
indirect enum Expression {
    case number(Double)
    case text([UInt8])
    case bool(Bool)
    case null
    case field(String, offset: Int)
    case negate(Expression)
    case not(Expression)
    case binary(String, Expression, Expression)
    case call(String, [Expression], offset: Int)

    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    static func parse(_ source: String) throws -> Expression {
        var p = ExpressionParser(tokens: try ExpressionLexer.tokens(source))
        let e = try p.parseOr()
        if p.index < p.tokens.count {
            throw SyntaxError(offset: p.tokens[p.index].offset, message: "意外的 `\(p.tokens[p.index].text)`")
        }
        return e
    }

    /// Field names in order of appearance, with their offsets, for validation.
    var fieldReferences: [(String, Int)] {
        switch self {
        case .field(let n, let o): return [(n, o)]
        case .negate(let e), .not(let e): return e.fieldReferences
        case .binary(_, let a, let b): return a.fieldReferences + b.fieldReferences
        case .call(_, let args, _): return args.flatMap(\.fieldReferences)
        default: return []
        }
    }

    var isLogical: Bool {
        switch self {
        case .bool, .not: return true
        case .binary(let op, _, _): return !["+", "-", "*", "/"].contains(op)
        case .field: return true
        // An unknown name is reported when the call is bound, with its position.
        case .call(let name, _, _): return ExpressionFunction(rawValue: name)?.isLogical ?? true
        default: return false
        }
    }
}

struct ExpressionToken {
    enum Kind { case number, text, identifier, symbol }
    var kind: Kind
    var text: String
    var offset: Int
}

enum ExpressionLexer {
    static func tokens(_ source: String) throws -> [ExpressionToken] {
        let chars = Array(source)
        var out: [ExpressionToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c.isNumber, c.isASCII {
                var s = ""
                while i < chars.count, chars[i].isASCII, chars[i].isNumber || chars[i] == "." { s.append(chars[i]); i += 1 }
                guard Double(s) != nil else { throw Expression.SyntaxError(offset: start, message: "无效的数字 `\(s)`") }
                out.append(ExpressionToken(kind: .number, text: s, offset: start))
            } else if c == "'" || c == "\"" {
                i += 1
                var s = ""
                while i < chars.count, chars[i] != c { s.append(chars[i]); i += 1 }
                guard i < chars.count else { throw Expression.SyntaxError(offset: start, message: "字符串的引号没有闭合（string literal is not closed）") }
                i += 1
                out.append(ExpressionToken(kind: .text, text: s, offset: start))
            } else if c.isLetter || c == "_" {
                var s = ""
                while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "_" { s.append(chars[i]); i += 1 }
                out.append(ExpressionToken(kind: .identifier, text: s, offset: start))
            } else {
                let two = i + 1 < chars.count ? String([c, chars[i + 1]]) : ""
                if ["==", "!=", "<=", ">=", "<>"].contains(two) {
                    out.append(ExpressionToken(kind: .symbol, text: two == "<>" ? "!=" : two, offset: start)); i += 2
                } else if "+-*/<>()=,".contains(c) {
                    out.append(ExpressionToken(kind: .symbol, text: c == "=" ? "==" : String(c), offset: start)); i += 1
                } else {
                    throw Expression.SyntaxError(offset: start, message: "意外的字符 `\(c)`")
                }
            }
        }
        return out
    }
}

struct ExpressionParser {
    let tokens: [ExpressionToken]
    var index = 0

    var endOffset: Int { tokens.last.map { $0.offset + $0.text.count } ?? 0 }

    mutating func accept(_ word: String) -> Bool {
        guard index < tokens.count, tokens[index].kind != .text, tokens[index].text == word else { return false }
        index += 1
        return true
    }

    mutating func parseOr() throws -> Expression {
        var e = try parseAnd()
        while accept("or") { e = .binary("or", e, try parseAnd()) }
        return e
    }

    mutating func parseAnd() throws -> Expression {
        var e = try parseNot()
        while accept("and") { e = .binary("and", e, try parseNot()) }
        return e
    }

    mutating func parseNot() throws -> Expression {
        if accept("not") { return .not(try parseNot()) }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> Expression {
        let e = try parseSum()
        for op in ["==", "!=", "<=", ">=", "<", ">"] where accept(op) {
            return .binary(op, e, try parseSum())
        }
        return e
    }

    mutating func parseSum() throws -> Expression {
        var e = try parseProduct()
        while true {
            if accept("+") { e = .binary("+", e, try parseProduct()) }
            else if accept("-") { e = .binary("-", e, try parseProduct()) }
            else { return e }
        }
    }

    mutating func parseProduct() throws -> Expression {
        var e = try parseUnary()
        while true {
            if accept("*") { e = .binary("*", e, try parseUnary()) }
            else if accept("/") { e = .binary("/", e, try parseUnary()) }
            else { return e }
        }
    }

    mutating func parseUnary() throws -> Expression {
        if accept("-") { return .negate(try parseUnary()) }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws -> Expression {
        guard index < tokens.count else { throw Expression.SyntaxError(offset: endOffset, message: "表达式不完整（ends too early）") }
        let t = tokens[index]
        index += 1
        switch t.kind {
        case .number: return .number(Double(t.text) ?? 0)
        case .text: return .text(Array(t.text.utf8))
        case .identifier:
            switch t.text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            case "and", "or", "not": throw Expression.SyntaxError(offset: t.offset, message: "`\(t.text)` 前面缺少一个值")
            default:
                if index < tokens.count, tokens[index].kind == .symbol, tokens[index].text == "(" { return try parseCall(t) }
                return .field(t.text, offset: t.offset)
            }
        case .symbol:
            if t.text == "(" {
                let e = try parseOr()
                guard accept(")") else { throw Expression.SyntaxError(offset: index < tokens.count ? tokens[index].offset : endOffset, message: "缺少 `)`") }
                return e
            }
            throw Expression.SyntaxError(offset: t.offset, message: "意外的 `\(t.text)`")
        }
    }

    /// `name(arg, …)`, the name already read and `(` next.
    mutating func parseCall(_ name: ExpressionToken) throws -> Expression {
        index += 1
        var args: [Expression] = []
        if !accept(")") {
            repeat { args.append(try parseOr()) } while accept(",")
            guard accept(")") else {
                throw Expression.SyntaxError(offset: index < tokens.count ? tokens[index].offset : endOffset,
                                             message: "`\(name.text)` 的参数后缺少 `)`")
            }
        }
        return .call(name.text, args, offset: name.offset)
    }
}
