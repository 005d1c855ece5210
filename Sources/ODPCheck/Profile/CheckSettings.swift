import ODPCore

/// The `compare:` and `gate:` sections.
struct CheckSettings {
    var rowCountChange = 0.5
    var nullRateChange = 0.2
    var meanChange = 0.5
    var sumChange: Double?
    /// Without a `compare:` section changes are still shown, as warnings only.
    var compareSeverity = CheckSeverity.warn
    var explanations: [CompareExplanation] = []
    var maxRejectShare = 0.05
    /// A release with no data rows is held unless the definition expects empty releases.
    var allowEmpty = false
    /// Without a `compare:` section a fall in rows by more than `rowCountChange` still holds:
    /// a header-only file must not replace a good release. Rises stay warnings.
    var holdsRowFall = true
    var minScores: [QualityDimension: Double] = [:]
    var minOverall: Double?
    var timelinessField: Int?
    var maxAgeDays: Int?

    init(definition: DatasetDefinition, compiler: RuleCompiler) {
        if let value = definition.compare {
            let r = ConfigReader(value, context: "compare")
            compareSeverity = .hold
            holdsRowFall = false
            rowCountChange = r.double("row_count_change") ?? rowCountChange
            nullRateChange = r.double("null_rate_change") ?? nullRateChange
            meanChange = r.double("mean_change") ?? meanChange
            sumChange = r.double("sum_change")
            compareSeverity = r.choice("severity", of: ["hold", "warn"]).flatMap(CheckSeverity.init) ?? .hold
            explanations = CompareExplanation.parse(r)
            readTimeliness(r, compiler: compiler)
            compiler.diagnostics += r.finish()
        }
        if let value = definition.gate {
            let r = ConfigReader(value, context: "gate")
            if let share = r.double("max_reject_share") {
                if (0...1).contains(share) { maxRejectShare = share } else {
                    r.error("gate.max_reject_share 必须是 0 到 1 之间的比例", at: r.raw("max_reject_share")?.location)
                }
            }
            if let scores = r.map("min_scores") {
                for key in scores.keys {
                    let v = scores.double(key)
                    guard let d = QualityDimension(name: key) else {
                        let hint = Suggest.hint(for: key, in: QualityDimension.allNames)
                        scores.error("gate.min_scores：`\(key)` 不是 GB/T 36344 的质量维度（dimension）", hint: hint ?? QualityDimension.allNames.joined(separator: ", "))
                        continue
                    }
                    if let v { minScores[d] = v }
                }
            }
            minOverall = r.double("min_overall")
            allowEmpty = r.bool("allow_empty") ?? false
            readTimeliness(r, compiler: compiler)
            compiler.diagnostics += r.finish()
        }
    }

    private mutating func readTimeliness(_ r: ConfigReader, compiler: RuleCompiler) {
        guard let t = r.map("timeliness") else { return }
        if let name = t.string("field", required: true), let loc = t.raw("field")?.location,
           let c = compiler.column(name, at: loc, context: "\(r.context).timeliness.field") {
            if case .date = CompiledExpression.kind(of: compiler.schema.fields[c]) { timelinessField = c } else {
                t.error("\(r.context).timeliness.field：`\(name)` 不是日期字段（date field）", at: loc)
            }
        }
        maxAgeDays = t.int("max_age_days", required: true, range: 0...100_000)
    }
}
