import ODPCore

extension Desensitizer {
    /// Definition checks for `odp validate`: unknown operators and parameters (with "did you
    /// mean"), operators that do not fit the field type, `allow` entries without a kind or
    /// reason, the `privacy:` section, and references to fields that do not exist.
    /// With a pipeline configuration, also that a pseudonym key and the gb2260 table exist.
    public static func validate(_ definition: DatasetDefinition, config: PipelineConfig?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let settings = PrivacySettings.parse(definition.privacy, into: &diagnostics)
        let kinds = DetectorRegistry.slugs
        var pseudonymAt: SourceLocation?
        var regionNamesAt: SourceLocation?
        var quasi = 0, sensitive = 0
        for field in definition.schema.fields {
            let label = "字段 `\(field.name)`"
            var dropped = false
            if let spec = field.desensitize, let unit = OperatorRegistry.parse(spec, field: field, schema: definition.schema, into: &diagnostics) {
                if unit.needs.contains(.pseudonymKey) { pseudonymAt = spec.location }
                if unit.needs.contains(.regionNames) { regionNamesAt = spec.location }
                dropped = unit.output(field) == nil
            }
            if !dropped, field.privacyClass == .quasi { quasi += 1 }
            if !dropped, field.privacyClass == .sensitive { sensitive += 1 }
            for spec in field.allow {
                let r = ConfigReader(spec.params, context: "\(label).allow")
                _ = r.raw("kind")
                if !kinds.contains(spec.type) {
                    let hint = Suggest.hint(for: spec.type, in: kinds) ?? "可选种类（kinds）：\(kinds.joined(separator: ", "))"
                    r.error("\(label).allow：未知的标识符种类（unknown identifier kind）`\(spec.type)`", at: spec.location, hint: hint)
                }
                _ = r.string("reason", required: true,
                             hint: "例外要经得起审计：写明为什么依法可以公开，如 经营场所电话依法公示")
                diagnostics.append(contentsOf: r.finish())
            }
        }
        let privacyLocation = definition.privacy?.location ?? SourceLocation(file: definition.file)
        if settings.k != nil, quasi == 0 {
            diagnostics.append(Diagnostic(privacyLocation, "设置了 privacy.k_anonymity，但发布的字段中没有 `class: quasi`",
                                          hint: "把组合起来能识别个人的字段（出生日期、地区、性别）标为 quasi",
                                          severity: .warning))
        }
        if settings.l != nil, sensitive == 0 {
            diagnostics.append(Diagnostic(privacyLocation, "设置了 privacy.l_diversity，但发布的字段中没有 `class: sensitive`",
                                          severity: .warning))
        }
        if let config {
            if let pseudonymAt, config.pseudonymKey == nil {
                diagnostics.append(Diagnostic(pseudonymAt, "`pseudonym` 需要密钥，但 odp.yml 中没有 `keys.pseudonym`",
                                              hint: "加上 keys: {pseudonym: {id: k2025, secret: env:ODP_PSEUDONYM_KEY}}"))
            }
            if let regionNamesAt, !config.codeTables.contains(where: { $0.name == "gb2260" }) {
                diagnostics.append(Diagnostic(regionNamesAt, "`name: true` 需要 gb2260 代码表，但 odp.yml 没有声明",
                                              hint: "加上 code_tables: {gb2260: {path: ...}}"))
            }
        }
        diagnostics.sort { ($0.location.line ?? 0, $0.location.column ?? 0) < ($1.location.line ?? 0, $1.location.column ?? 0) }
        return diagnostics
    }
}
