import ODPCore

extension Desensitizer {
    /// Whether released values depend on the day of the run (an age band counts years up to
    /// it), so unchanged source rows can still make a new release on another day.
    public static func dependsOnRunDate(_ definition: DatasetDefinition) -> Bool {
        definition.schema.fields.contains { field in
            var ignored: [Diagnostic] = []
            guard let spec = field.desensitize,
                  let unit = OperatorRegistry.parse(spec, field: field, schema: definition.schema, into: &ignored) as? GeneralizeOperator,
                  case .ageBand = unit.target else { return false }
            return true
        }
    }
}
