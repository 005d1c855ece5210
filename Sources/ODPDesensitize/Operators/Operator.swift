import ODPCore

/// A column operator as compiled from `desensitize: {op: …}`. The `op` slugs and their
/// parameters are the vocabulary of this stage; `Operator.parse` is used both by
/// `odp validate` (diagnostics) and by `Desensitizer.init` (the compiled form).
///
/// | op | parameters |
/// | --- | --- |
/// | `drop` | – (the field is left out of the release) |
/// | `mask` | `keep_first`, `keep_last` (characters, default 0), `char` (default `*`) |
/// | `pseudonym` | `prefix` (default none), `bytes` (HMAC bytes shown, two letters each, 4–32, default 16) |
/// | `generalize` | `to`: `year_month`, `year`, `age_band` (`width` default 5, `top`), `region` (`region_level` city/province, `name`), `district`, `range` (`width`, `top`, `bottom`) |
/// | `round` | `digits` (places after the point) or `to` (a multiple) |
/// | `suppress` | `when: {field, equals}` (or `in: [...]`) or `when_count_below: n` |
/// | `replace` | `value` |
/// | `redact` | `marker` (default from `privacy.redact_marker`, else `[已脱敏]`) |
/// | `mask_embedded` | `fields` (direct fields of the same row), `char` (default `*`): masks their values inside this one |
enum Operator {
    case drop
    case mask(keepFirst: Int, keepLast: Int, char: [UInt8])
    case pseudonym(prefix: [UInt8], bytes: Int)
    case generalize(Generalization)
    case round(Rounding)
    case suppressWhen(field: String, values: [[UInt8]])
    case suppressRare(below: Int)
    case replace([UInt8])
    case redact(marker: [UInt8]?)
    case maskEmbedded(fields: [String], char: [UInt8])

    enum Generalization {
        case yearMonth, year
        case ageBand(width: Int, top: Int?)
        case region(digits: Int, name: Bool)
        case district
        case range(width: Double?, top: Double?, bottom: Double?)
    }

    enum Rounding {
        case digits(Int)
        case multiple(Double)
    }

    static let names = ["drop", "mask", "pseudonym", "generalize", "round", "suppress", "replace", "redact", "mask_embedded"]
    static let targets = ["year_month", "year", "age_band", "region", "district", "range"]

    /// Compiles a field's operator; problems go to `diagnostics` (nil when it cannot be used).
    static func parse(_ spec: RuleSpec, field: FieldDefinition, schema: Schema, into diagnostics: inout [Diagnostic]) -> Operator? {
        let fieldNames = schema.names
        let label = "field `\(field.name)`.desensitize"
        guard names.contains(spec.type) else {
            let hint = Suggest.closest(to: spec.type, in: names).map { "did you mean `\($0)`?" } ?? "operators: \(names.joined(separator: ", "))"
            diagnostics.append(Diagnostic(spec.location, "\(label): unknown operator `\(spec.type)`", hint: hint))
            return nil
        }
        let r = spec.reader(context: label)
        _ = r.raw("op")
        var result: Operator?
        switch spec.type {
        case "drop":
            result = .drop
        case "mask":
            let first = r.int("keep_first", range: 0...64) ?? 0
            let last = r.int("keep_last", range: 0...64) ?? 0
            let char = r.string("char") ?? "*"
            if char.isEmpty { r.error("\(label).char must not be empty", at: r.raw("char")?.location) }
            result = .mask(keepFirst: first, keepLast: last, char: Array(char.utf8))
        case "pseudonym":
            result = .pseudonym(prefix: Array((r.string("prefix") ?? "").utf8), bytes: r.int("bytes", range: 4...32) ?? 16)
        case "generalize":
            result = parseGeneralize(r, label: label, field: field).map(Operator.generalize)
        case "round":
            let digits = r.int("digits", range: 0...12)
            let multiple = r.double("to")
            if (digits == nil) == (multiple == nil) {
                r.error("\(label): `round` needs exactly one of `digits` or `to`", at: spec.location,
                        hint: "e.g. `{op: round, digits: 1}` or `{op: round, to: 100}`")
            } else if let multiple, multiple <= 0 {
                r.error("\(label).to must be greater than 0", at: r.raw("to")?.location)
            } else {
                result = .round(digits.map(Rounding.digits) ?? .multiple(multiple!))
            }
            if field.type != .integer && field.type != .number {
                r.error("\(label): `round` applies to integer and number fields, `\(field.name)` is \(field.type.rawValue)", at: spec.location)
            }
        case "suppress":
            result = parseSuppress(r, label: label, spec: spec, fieldNames: fieldNames)
        case "replace":
            if let value = r.string("value", required: true) { result = .replace(Array(value.utf8)) }
        case "redact":
            result = .redact(marker: r.string("marker").map { Array($0.utf8) })
        case "mask_embedded":
            result = parseMaskEmbedded(r, label: label, field: field, schema: schema)
        default:
            break
        }
        let problems = r.finish()
        diagnostics.append(contentsOf: problems)
        return problems.contains { $0.severity == .error } ? nil : result
    }

    private static func parseGeneralize(_ r: ConfigReader, label: String, field: FieldDefinition) -> Generalization? {
        guard let to = r.choice("to", of: targets, required: true) else { return nil }
        let location = r.raw("to")?.location
        let dateLike: Set<FieldType> = [.date, .datetime]
        switch to {
        case "year_month", "year":
            guard dateLike.contains(field.type) || (to == "year" && field.type == .yearmonth) else {
                r.error("\(label): `to: \(to)` needs a date field, `\(field.name)` is \(field.type.rawValue)", at: location)
                return nil
            }
            return to == "year" ? .year : .yearMonth
        case "age_band":
            guard dateLike.contains(field.type) || field.type == .string else {
                r.error("\(label): `to: age_band` needs a birth date or an ID number field", at: location)
                return nil
            }
            return .ageBand(width: r.int("width", range: 1...50) ?? 5, top: r.int("top", range: 1...150))
        case "region":
            let level = r.choice("region_level", of: ["city", "province"], default: "city") ?? "city"
            return .region(digits: level == "city" ? 4 : 2, name: r.bool("name") ?? false)
        case "district":
            return .district
        default:
            guard field.type == .integer || field.type == .number else {
                r.error("\(label): `to: range` needs an integer or number field", at: location)
                return nil
            }
            let width = r.double("width"), top = r.double("top"), bottom = r.double("bottom")
            if width == nil, top == nil, bottom == nil {
                r.error("\(label): `to: range` needs `width`, `top` or `bottom`", at: location)
                return nil
            }
            if let width, width <= 0 { r.error("\(label).width must be greater than 0", at: r.raw("width")?.location); return nil }
            return .range(width: width, top: top, bottom: bottom)
        }
    }

    private static func parseSuppress(_ r: ConfigReader, label: String, spec: RuleSpec, fieldNames: [String]) -> Operator? {
        let rare = r.int("when_count_below", range: 2...1_000_000)
        let when = r.map("when")
        if (rare == nil) == (when == nil) {
            r.error("\(label): `suppress` needs exactly one of `when` or `when_count_below`", at: spec.location,
                    hint: "e.g. `when: {field: status, equals: 注销}` or `when_count_below: 5`")
            return nil
        }
        if let rare { return .suppressRare(below: rare) }
        guard let when, let name = when.string("field", required: true) else { return nil }
        if !fieldNames.contains(name), let location = when.raw("field")?.location {
            r.absorb([DatasetDefinition.undefinedField(name, at: location, names: fieldNames, context: "\(label).when.field")])
            return nil
        }
        var values = when.strings("in")
        if let equals = when.string("equals") { values.append(equals) }
        if values.isEmpty {
            when.error("\(label).when needs `equals` or `in`")
            return nil
        }
        return .suppressWhen(field: name, values: values.map { Array($0.utf8) })
    }

    /// The type the field holds after this operator.
    func outputType(for field: FieldDefinition) -> FieldType {
        switch self {
        case .drop, .suppressWhen, .suppressRare, .round: return field.type
        case .mask, .pseudonym, .replace, .redact, .maskEmbedded: return .string
        case .generalize(let g):
            switch g {
            case .yearMonth: return .yearmonth
            case .year: return .year
            case .range(let width, _, _): return width == nil ? field.type : .string
            default: return .string
            }
        }
    }
}
