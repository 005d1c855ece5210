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
            let label = "field `\(field.name)`"
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
                    let hint = Suggest.closest(to: spec.type, in: kinds).map { "did you mean `\($0)`?" } ?? "kinds: \(kinds.joined(separator: ", "))"
                    r.error("\(label).allow: unknown identifier kind `\(spec.type)`", at: spec.location, hint: hint)
                }
                _ = r.string("reason", required: true,
                             hint: "an exception must be audited: say why publishing it is lawful, e.g. 经营场所电话依法公示")
                diagnostics.append(contentsOf: r.finish())
            }
        }
        let privacyLocation = definition.privacy?.location ?? SourceLocation(file: definition.file)
        if settings.k != nil, quasi == 0 {
            diagnostics.append(Diagnostic(privacyLocation, "privacy.k_anonymity is set but no published field has `class: quasi`",
                                          hint: "mark the fields that identify in combination (birth date, region, sex) as quasi",
                                          severity: .warning))
        }
        if settings.l != nil, sensitive == 0 {
            diagnostics.append(Diagnostic(privacyLocation, "privacy.l_diversity is set but no published field has `class: sensitive`",
                                          severity: .warning))
        }
        if let config {
            if let pseudonymAt, config.pseudonymKey == nil {
                diagnostics.append(Diagnostic(pseudonymAt, "`pseudonym` needs a key, but odp.yml has no `keys.pseudonym`",
                                              hint: "add keys: {pseudonym: {id: k2025, secret: env:ODP_PSEUDONYM_KEY}}"))
            }
            if let regionNamesAt, !config.codeTables.contains(where: { $0.name == "gb2260" }) {
                diagnostics.append(Diagnostic(regionNamesAt, "`name: true` needs the gb2260 code table, but odp.yml declares none",
                                              hint: "add code_tables: {gb2260: {path: ...}}"))
            }
        }
        diagnostics.sort { ($0.location.line ?? 0, $0.location.column ?? 0) < ($1.location.line ?? 0, $1.location.column ?? 0) }
        return diagnostics
    }
}
