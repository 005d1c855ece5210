import ODPCore

extension RuleCompiler {
    /// A rule under a field's `rules:`: looked up in the registry and compiled over the field's column.
    func compileFieldRule(_ spec: RuleSpec, column: Int, field: FieldDefinition) {
        guard spec.type != RuleRegistry.typeSlug else { return }  // handled with the implicit type rule
        guard let rule = RuleRegistry.rule(spec.type, in: [.field]) else {
            let known = RuleRegistry.slugs([.field]) + [RuleRegistry.typeSlug]
            let hint = Suggest.hint(for: spec.type, in: known)
            error("字段 `\(field.name)`：未知的规则类型（unknown rule type）`\(spec.type)`", at: spec.location,
                  hint: hint ?? "字段规则（field rules）：\(known.joined(separator: ", "))")
            return
        }
        compile(rule, spec, context: "field `\(field.name)`.rules.\(spec.type)", column: column, field: field)
    }

    /// A rule under the dataset's `rules:` (row and table rules).
    func compileDatasetRule(_ spec: RuleSpec) {
        guard let rule = RuleRegistry.rule(spec.type, in: [.row, .table]) else {
            reportUnknownDatasetRule(spec)
            return
        }
        compile(rule, spec, context: "rules.\(spec.type)", column: nil, field: nil)
    }

    /// Reads what every rule takes, checks that a table-wide rule does not claim to reject
    /// rows, and lets the rule read its own parameters and add its hooks.
    private func compile(_ rule: any CheckRule.Type, _ spec: RuleSpec, context: String, column: Int?, field: FieldDefinition?) {
        let r = spec.reader(context: context)
        defer { diagnostics += r.finish() }
        let (severity, dimension, message) = common(r, severity: rule.defaultSeverity, dimension: rule.defaultDimension)
        if severity == .reject, !rule.canRejectRows {
            r.error("\(context)：整表规则（table-wide rule）不能剔除单行", at: r.raw("severity")?.location,
                    hint: "改用 `severity: hold` 或 `warn`")
        }
        rule.compile(RuleBuild(compiler: self, spec: spec, r: r, severity: severity, dimension: dimension, message: message,
                               column: column, field: field, context: context))
    }

    /// An unknown type in `rules:`, with a hint: the closest known name, or that it is a field rule.
    private func reportUnknownDatasetRule(_ spec: RuleSpec) {
        let dataset = RuleRegistry.slugs([.row, .table])
        let fieldOnly = Set(RuleRegistry.slugs([.field])).subtracting(dataset)
        let hint = Suggest.closest(to: spec.type, in: dataset + RuleRegistry.slugs([.field]) + [RuleRegistry.typeSlug]).map {
            fieldOnly.contains($0) || $0 == RuleRegistry.typeSlug
                ? "`\($0)` 是字段规则（field rule）：写在该字段的 `rules:` 下" : "是否应为 `\($0)`？"
        }
        error("rules：未知的规则类型（unknown rule type）`\(spec.type)`", at: spec.location, hint: hint ?? "数据集规则（dataset rules）：\(dataset.joined(separator: ", "))")
    }
}
