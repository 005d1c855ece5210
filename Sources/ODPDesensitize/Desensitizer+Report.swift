import Foundation
import ODPCore

extension Desensitizer {
    /// `privacy-report.json`, the hold reasons, field notes for the data dictionary and
    /// headline metrics. The report names fields, kinds, counts and row numbers, never a value.
    public func finish() -> StageReport {
        endFirstPass()
        let result = anonymity ?? AnonymityResult()
        let fields = outputSchema.fields
        let published = publishedHits()
        let source = sourceHits()
        let holds = headerHoldReasons() + published.holds + [suppressionHoldReason(result)].compactMap { $0 }
        let (fieldEntries, notes) = fieldEntries()
        let report = PrivacyReport(
            dataset: definition.id, definitionHash: definition.definitionHash,
            pseudonymKeyId: usesPseudonym ? context.pseudonymKeyID : nil,
            // With the key id, says which pseudonyms can be joined: both must match.
            pseudonymFormatVersion: usesPseudonym ? PseudonymHMAC.formatVersion : nil,
            runDate: context.runDate.isoDate, recordsIn: recordsIn, recordsOut: recordsIn - result.recordsSuppressed,
            fields: fieldEntries, identifierHits: .init(before: source.rows, after: published.rows),
            headerHits: headerHits.map { .init(field: fields[$0.field].name, kind: $0.kind.rawValue, in: $0.inTitle ? "title" : "name") },
            holdReasons: holds, kAnonymity: kAnonymity(result),
            lDiversity: .init(sensitiveFields: sensitiveColumns.map { fields[$0].name }, lTarget: settings.l, lAchieved: result.lAchieved))
        let json = (try? ArtifactCodec.encode(report)) ?? Data()
        return StageReport(files: [PrivacyReport.fileName: json], holdReasons: holds, readmeSection: readme(result), fieldNotes: notes,
                           problems: redactions.problems(fields: definition.schema.fields),
                           metrics: metrics(result, before: source.total, after: published.total, allowed: published.allowed),
                           privacy: report)
    }

    /// A field name or title that is itself an identifier holds the release.
    private func headerHoldReasons() -> [String] {
        headerHits.map { h in
            let f = outputSchema.fields[h.field]
            return "字段“\(f.title)”（\(f.name)）的\(h.inTitle ? "标题" : "字段名")中含有\(h.kind.title)，请修改字段定义"
        }
    }

    /// Hits in the published values, per output field and kind: report rows, the hold reason
    /// of each kind the field does not allow, and the counts outside and inside `allow:`.
    private func publishedHits() -> (rows: [PrivacyReport.IdentifierHit], holds: [String], total: Int, allowed: Int) {
        let fields = outputSchema.fields
        var rows: [PrivacyReport.IdentifierHit] = [], holds: [String] = []
        var total = 0, allowedTotal = 0
        for (o, col) in columns.enumerated() {
            for kind in DetectorRegistry.kinds {
                let count = identity[o] ? before.count(field: col.source, kind: kind) : after.count(field: o, kind: kind)
                guard count > 0 else { continue }
                let row = identity[o] ? before.firstRow(field: col.source, kind: kind) : after.firstRow(field: o, kind: kind)
                var entry = PrivacyReport.IdentifierHit(field: fields[o].name, kind: kind.rawValue, count: count, firstRow: row)
                let embeddedFields = kind == .embedded ? embeddedFieldNames(output: o) : []
                if !embeddedFields.isEmpty { entry.embeddedFields = embeddedFields.map(\.name) }
                if let reason = allowed[o][kind] {
                    entry.allowed = true
                    entry.reason = reason
                    allowedTotal += count
                } else {
                    entry.allowed = false
                    total += count
                    holds.append(DetectorRegistry.unit(kind).holdReason(DetectorHit(field: fields[o], count: count, row: row, embedded: embeddedFields)))
                }
                rows.append(entry)
            }
        }
        return (rows, holds, total, allowedTotal)
    }

    /// Hits in the source values, per source field and kind, and their total.
    private func sourceHits() -> (rows: [PrivacyReport.IdentifierHit], total: Int) {
        var rows: [PrivacyReport.IdentifierHit] = []
        var total = 0
        let sourceFields = definition.schema.fields
        for (i, f) in sourceFields.enumerated() {
            for kind in DetectorRegistry.kinds {
                let count = before.count(field: i, kind: kind)
                guard count > 0 else { continue }
                total += count
                var entry = PrivacyReport.IdentifierHit(field: f.name, kind: kind.rawValue, count: count, firstRow: before.firstRow(field: i, kind: kind))
                if kind == .embedded { entry.embeddedFields = before.embeddedSources[i].sorted().map { sourceFields[$0].name } }
                rows.append(entry)
            }
        }
        return (rows, total)
    }

    /// k-anonymity or l-diversity that would leave out more records than `max_suppression` holds the release.
    private func suppressionHoldReason(_ result: AnonymityResult) -> String? {
        let share = suppressedShare(result)
        guard settings.k != nil || settings.l != nil, !quasiColumns.isEmpty, share > settings.maxSuppression else { return nil }
        let target = [settings.k.map { "k=\($0)" }, settings.l.map { "l=\($0)" }].compactMap { $0 }.joined(separator: "，")
        return "k-匿名/l-多样性（\(target)）需删除 \(result.recordsSuppressed) 条记录（占 \(percent(share))），超过允许上限 \(percent(settings.maxSuppression))，请进一步泛化准标识符"
    }

    private func suppressedShare(_ result: AnonymityResult) -> Double {
        result.records == 0 ? 0 : Double(result.recordsSuppressed) / Double(result.records)
    }

    /// Per source field: its class, operator and parameters, output type, cells blanked and
    /// the data dictionary note; and the notes by field name.
    private func fieldEntries() -> ([PrivacyReport.Field], [String: String]) {
        var entries: [PrivacyReport.Field] = []
        var notes: [String: String] = [:]
        for f in definition.schema.fields {
            var entry = PrivacyReport.Field(name: f.name, title: f.title, privacyClass: f.privacyClass.rawValue)
            if let spec = f.desensitize {
                entry.operator = spec.type
                // Parameters for the audit, minus those that may hold data values (`value`, `equals`, `in`).
                if case .map(let items, _) = spec.params {
                    var params: [String: String] = [:]
                    for e in items where !["op", "value", "equals", "in", "when"].contains(e.key) {
                        if let v = e.value.scalar { params[e.key] = v }
                    }
                    if !params.isEmpty { entry.parameters = params }
                }
            }
            if let o = outputSchema.index(of: f.name) {
                entry.outputType = outputSchema.fields[o].type.rawValue
                if cellsBlanked[o] > 0 { entry.cellsBlanked = cellsBlanked[o] }
                if rareBlanked[o] > 0 { entry.rareValuesBlanked = rareBlanked[o] }
                if let note = note(for: columns[o]) { notes[f.name] = note; entry.note = note }
            } else {
                entry.published = false
            }
            entries.append(entry)
        }
        return (entries, notes)
    }

    private func kAnonymity(_ result: AnonymityResult) -> PrivacyReport.KAnonymity {
        let risk = quasiColumns.isEmpty ? nil : PrivacyReport.Risk(
            prosecutorMax: rounded(result.prosecutorMax), prosecutorAverage: rounded(result.prosecutorAverage),
            journalistMax: rounded(result.prosecutorMax), journalistAverage: rounded(result.prosecutorAverage),
            marketer: rounded(result.marketer), populationModel: "sample_equals_population",
            note: "记者攻击风险按“样本即总体”计算（无总体表时与检察官攻击风险相同）；营销者风险 = 等价类数 / 记录数")
        return .init(quasiIdentifiers: quasiColumns.map { outputSchema.fields[$0].name }, kTarget: settings.k, kAchieved: result.kAchieved,
                     maxSuppression: settings.maxSuppression, equivalenceClasses: result.classes,
                     recordsSuppressed: result.recordsSuppressed, suppressedShare: rounded(suppressedShare(result)),
                     shareBelowK: rounded(result.shareBelowK), risk: risk)
    }

    private func metrics(_ result: AnonymityResult, before: Int, after: Int, allowed: Int) -> DatasetMetrics {
        var metrics = DatasetMetrics()
        metrics.suppressedRecords = result.recordsSuppressed
        metrics.identifierHitsBefore = before
        metrics.identifierHitsAfter = after
        metrics.identifierHitsAllowed = allowed
        metrics.equivalenceClasses = result.classes
        metrics.k = result.kAchieved
        metrics.l = result.lAchieved
        if !quasiColumns.isEmpty {
            metrics.prosecutorRiskMax = result.prosecutorMax
            metrics.marketerRisk = result.marketer
        }
        return metrics
    }

    /// The direct fields whose values were found in output column `o`, in schema order.
    func embeddedFieldNames(output o: Int) -> [FieldDefinition] {
        let found = identity[o] ? before.embeddedSources[columns[o].source] : after.embeddedSources[o]
        return found.sorted().map { definition.schema.fields[$0] }
    }

    var usesPseudonym: Bool {
        columns.contains { $0.unit is PseudonymOperator }
    }

    private func readme(_ result: AnonymityResult) -> String {
        var lines = ["## 个人信息保护", ""]
        lines.append("本数据集按 GB/T 35273-2020、GB/T 37964-2019 进行了去标识化处理，各字段的处理方式见数据字典。")
        if !quasiColumns.isEmpty, let k = result.kAchieved {
            lines.append("准标识符（\(quasiColumns.map { outputSchema.fields[$0].title }.joined(separator: "、"))）满足 k-匿名，k = \(k)；为此删除记录 \(result.recordsSuppressed) 条。")
        }
        if usesPseudonym, let id = context.pseudonymKeyID {
            lines.append("假名使用密钥编号 \(id)、格式版本 \(PseudonymHMAC.formatVersion) 生成，密钥编号和格式版本都相同的假名可跨数据集、跨版本关联。")
        }
        return lines.joined(separator: "\n")
    }

    /// How a field was desensitized, in Chinese, for the data dictionary.
    func note(for col: ColumnTransform) -> String? {
        let quasi = col.field.privacyClass == .quasi ? "（准标识符，参与 k-匿名评估）" : ""
        guard let unit = col.unit else { return quasi.isEmpty ? nil : "未变换\(quasi)" }
        return unit.note(OperatorNote(context: context, schema: definition.schema, redactMarker: settings.redactMarker)) + quasi
    }

    private func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
    private func rounded(_ x: Double) -> Double { (x * 1_000_000).rounded() / 1_000_000 }
}
