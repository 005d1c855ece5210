import ODPCore

/// A column operator as compiled from `desensitize: {op: …}`. The operators, their slugs
/// and parameters are the units listed in `OperatorRegistry`; `Operator.parse` is used both
/// by `odp validate` (diagnostics) and by `Desensitizer.init` (the compiled form).
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

    static let targets = ["year_month", "year", "age_band", "region", "district", "range"]

    /// Compiles a field's operator; problems go to `diagnostics` (nil when it cannot be used).
    static func parse(_ spec: RuleSpec, field: FieldDefinition, schema: Schema, into diagnostics: inout [Diagnostic]) -> Operator? {
        let label = "字段 `\(field.name)`.desensitize"
        guard let unit = OperatorRegistry.unit(spec.type) else {
            let names = OperatorRegistry.slugs
            let hint = Suggest.hint(for: spec.type, in: names) ?? "可用的脱敏算子（operators）：\(names.joined(separator: ", "))"
            diagnostics.append(Diagnostic(spec.location, "\(label)：未知的脱敏算子（unknown operator）`\(spec.type)`", hint: hint))
            return nil
        }
        let r = spec.reader(context: label)
        _ = r.raw("op")
        let result = unit.parse(OperatorParse(r: r, spec: spec, label: label, field: field, schema: schema))
        let problems = r.finish()
        diagnostics.append(contentsOf: problems)
        return problems.contains { $0.severity == .error } ? nil : result
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
