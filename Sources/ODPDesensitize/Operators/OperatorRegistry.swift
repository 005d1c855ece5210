import ODPCore

/// Every operator ODPDesensitize knows, the single place they are listed. Order is README's.
enum OperatorRegistry {
    static let all: [any OperatorUnit.Type] = [
        DropOperator.self, MaskOperator.self, PseudonymOperator.self, GeneralizeOperator.self, RoundOperator.self,
        SuppressOperator.self, ReplaceOperator.self, RedactOperator.self, MaskEmbeddedOperator.self,
    ]

    static var slugs: [String] { all.map { $0.slug } }

    static func unit(_ slug: String) -> (any OperatorUnit.Type)? { all.first { $0.slug == slug } }

    /// A field's operator with its checked parameters; problems go to `diagnostics` (nil
    /// when it cannot be used). Used both by `odp validate` and by `Desensitizer.init`.
    static func parse(_ spec: RuleSpec, field: FieldDefinition, schema: Schema, into diagnostics: inout [Diagnostic]) -> (any OperatorUnit)? {
        let label = "字段 `\(field.name)`.desensitize"
        guard let unit = unit(spec.type) else {
            let hint = Suggest.hint(for: spec.type, in: slugs) ?? "可用的脱敏算子（operators）：\(slugs.joined(separator: ", "))"
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
}
