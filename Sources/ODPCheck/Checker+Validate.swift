import ODPCore

extension Checker {
    /// Definition checks for `odp validate`: unknown rule types (did you mean), unknown or
    /// missing parameters, fields that do not exist, bad expressions and patterns (with the
    /// column of the error), unknown code tables (from `config.codeTables`), invalid
    /// severities and dimensions, in `rules`, field rules, `screens`, `compare` and `gate`.
    ///
    /// ## Edge behaviour
    /// Without a config, code table names cannot be checked and are accepted.
    public static func validate(_ definition: DatasetDefinition, config: PipelineConfig?) -> [Diagnostic] {
        let known = config.map { Set($0.codeTables.map(\.name)) }
        let compiler = RuleCompiler(definition: definition, codeTables: nil, knownTables: known,
                                    runDate: CivilDateTime(year: 2000, month: 1, day: 1))
        compiler.compile()
        _ = ScreenPlan(definition.screens, compiler: compiler)
        _ = CheckSettings(definition: definition, compiler: compiler)
        return compiler.diagnostics
    }
}
