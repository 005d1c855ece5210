import Foundation
import ODPCore

extension Checker {
    /// Quality report files ("quality-report.json", "quality-report.html"), holdReasons
    /// (Chinese), problems (feedback list), readmeSection (Chinese Markdown), metrics
    /// ("score", "rejected_rows", "rows_checked", "score_完整性" …).
    ///
    /// - Parameters:
    ///   - released: the profile of the rows the release publishes; it is what the report
    ///     shows and what is compared with the previous release.
    ///   - otherHoldReasons: why other stages hold the release (the privacy gate). The
    ///     report's 发布判定 lists them with its own, so it never says 可以发布 or gives one
    ///     reason of two; `holdReasons` stays this stage's own.
    public func finish(released: ReleasedProfile, otherHoldReasons: [String] = []) -> StageReport {
        evaluateAggregates()
        let referenceHolds = unresolvedReferences()
        screens.finish(plan.tallies)
        let profile = released.profile
        var comparison: ArtifactJSON = [:]
        let explanations = explanationLedger()
        var note = "没有上一版本的质量报告，未做比较"
        let previous: DatasetProfile?
        do { previous = try DatasetProfile.load(previousRelease: context.previousRelease) } catch {
            previous = nil
            note = "上一版本的质量报告无法读取，未做比较：\(error)"
        }
        if let previous {
            comparison = Comparison.run(previous: previous, current: profile, settings: settings, schema: definition.schema,
                                        explain: explanations.explain) { type, label in
                let t = RuleTally(type: type, field: nil, severity: settings.compareSeverity, dimension: .consistency, label: label)
                plan.tallies.append(t)
                return t
            }
        } else {
            comparison["note"] = .string(note)
        }
        if !explanations.entries.isEmpty { comparison["explanations"] = .array(explanations.json) }
        hintExplanations()
        addTimeliness()
        var gate = decide()
        gate.reasons += referenceHolds
        var report = StageReport()
        report.holdReasons = gate.reasons
        // Rules run column-major; the department reads the list row by row.
        report.problems = problems.sorted { ($0.sourceRow, $0.field ?? "", $0.rule) < ($1.sourceRow, $1.field ?? "", $1.rule) }
        report.metrics = metrics(gate)
        var decision = gate
        decision.reasons += otherHoldReasons
        report.files[QualityReport.fileName] = (try? ArtifactCodec.encode(qualityReport(gate: decision, profile: profile, comparison: comparison))) ?? Data()
        report.files["quality-report.html"] = Data(QualityReportHTML(checker: self, gate: decision, comparison: comparison,
                                                                       explanations: explanations.html).render().utf8)
        report.readmeSection = readme(decision)
        return report
    }

    private func evaluateAggregates() {
        let totals = TableTotals(schema: definition.schema, rowsChecked: rowsChecked, nulls: nulls, sums: sums)
        for aggregate in plan.aggregates { aggregate.finish(totals, plan.tallies[aggregate.tally]) }
    }

    /// 可访问性 is left 未评估: nothing the check stage measures says whether users can reach
    /// the files (the formats are fixed by the program, so a score from them would be a
    /// constant that only lifts the mean).
    private func addTimeliness() {
        if let c = settings.timelinessField, let maxAge = settings.maxAgeDays {
            let field = definition.schema.fields[c]
            let t = RuleTally(type: "timeliness", field: field.name, severity: .warn, dimension: .timeliness,
                              label: "「\(field.title)」最新日期距运行日期不应超过 \(maxAge) 天")
            let today = CompiledExpression.dayNumber(CivilDateTime(year: context.runDate.year, month: context.runDate.month, day: context.runDate.day))
            if let newest = newestDay {
                let age = Int((today - newest.rounded(.down)).rounded())
                t.checked = 1
                t.failed = age > maxAge ? 1 : 0
                t.metric = ["age_days": ArtifactJSON(age), "max_age_days": ArtifactJSON(maxAge)]
                t.note = "最新记录距运行日期 \(age) 天"
            } else { t.note = "字段中没有可读的日期，未评估" }
            plan.tallies.append(t)
        }
    }

    /// Dimension scores per `Checker+Scores`; overall = mean of the evaluated dimensions, so
    /// a small dimension is not drowned by millions of row checks.
    func decide() -> GateDecision {
        var gate = GateDecision()
        tallyScores(into: &gate)
        let scores = QualityDimension.allCases.compactMap { gate.score($0) }
        gate.overall = scores.isEmpty ? nil : scores.reduce(0, +) / Double(scores.count)
        for t in plan.tallies where t.severity == .hold && t.failed > 0 && !t.explained {
            let what = t.checked > 1 ? "：\(t.failed) / \(t.checked) 不符合（\(Report.percent(t.share))）" : "未通过"
            gate.reasons.append("「\(t.label)」\(what)" + (t.field.map { "［字段 \($0)］" } ?? "") + (t.note.map { "（\($0)）" } ?? ""))
        }
        let counts = self.counts
        if counts.rejectShare > settings.maxRejectShare {
            let unreadable = counts.unreadable > 0 ? "，其中 \(counts.unreadable) 行无法读取" : ""
            gate.reasons.append("被剔除的行占 \(Report.percent(counts.rejectShare))（\(counts.rejected) / \(counts.read)\(unreadable)），"
                + "超过允许的 \(Report.percent(settings.maxRejectShare))（gate.max_reject_share）")
        }
        if counts.read == 0, !settings.allowEmpty {
            gate.reasons.append("数据源没有数据行（可能只有表头）；如果本数据集确实可能为空，请在定义中设置 gate: {allow_empty: true}")
        }
        for d in QualityDimension.allCases {
            guard let minimum = settings.minScores[d] else { continue }
            if let s = gate.score(d), s < minimum {
                gate.reasons.append("\(d.rawValue)得分 \(Report.score(s)) 低于要求的 \(Report.score(minimum))")
            }
        }
        if let minimum = settings.minOverall, let overall = gate.overall, overall < minimum {
            gate.reasons.append("综合得分 \(Report.score(overall)) 低于要求的 \(Report.score(minimum))")
        }
        return gate
    }

    private func metrics(_ gate: GateDecision) -> DatasetMetrics {
        let counts = self.counts
        var m = DatasetMetrics()
        m.rowsRead = counts.read
        m.rowsUnreadable = counts.unreadable
        m.rowsChecked = rowsChecked
        m.rejectedRows = counts.rejected
        m.problems = counts.problemEntries
        m.score = gate.overall.map(Report.scoreValue)
        let scores = QualityDimension.allCases.compactMap { d in gate.score(d).map { (d.rawValue, Report.scoreValue($0)) } }
        m.dimensionScores = scores.isEmpty ? nil : Dictionary(uniqueKeysWithValues: scores)
        return m
    }
}
