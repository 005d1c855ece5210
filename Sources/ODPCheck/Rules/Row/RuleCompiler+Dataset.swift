import Foundation
import ODPCore

extension RuleCompiler {
    static let rowRuleTypes = ["expression", "id_birth_matches", "id_sex_matches", "region_matches_address"]
    static let tableRuleTypes = ["row_count", "duplicate_rows", "duplicate_keys", "completeness", "sum_equals", "reference"]

    func compileDatasetRule(_ spec: RuleSpec) {
        let all = Self.rowRuleTypes + Self.tableRuleTypes
        guard all.contains(spec.type) else {
            let hint = Suggest.closest(to: spec.type, in: all + Self.fieldRuleTypes).map {
                Self.fieldRuleTypes.contains($0) && !all.contains($0) ? "`\($0)` is a field rule: put it under the field's `rules:`" : "did you mean `\($0)`?"
            }
            error("rules: unknown rule type `\(spec.type)`", at: spec.location, hint: hint ?? "dataset rules: \(all.joined(separator: ", "))")
            return
        }
        let r = spec.reader(context: "rules.\(spec.type)")
        defer { diagnostics += r.finish() }
        let isRow = Self.rowRuleTypes.contains(spec.type)
        let (severity, dimension, message) = common(r, severity: isRow ? .reject : .hold,
                                                    dimension: Self.datasetDefaultDimension(spec.type))
        if severity == .reject, ["row_count", "completeness", "sum_equals"].contains(spec.type) {
            r.error("rules.\(spec.type): a table-wide rule cannot reject single rows", at: r.raw("severity")?.location,
                    hint: "use `severity: hold` or `warn`")
        }
        func field(_ key: String, required: Bool = true) -> Int? {
            guard let name = r.string(key, required: required), let loc = r.raw(key)?.location else { return nil }
            return column(name, at: loc, context: "rules.\(spec.type).\(key)")
        }
        func fieldList(_ key: String, required: Bool) -> [Int]? {
            let names = r.strings(key, required: required)
            guard let loc = r.raw(key)?.location else { return required ? nil : [] }
            let cols = names.compactMap { column($0, at: loc, context: "rules.\(spec.type).\(key)") }
            return cols.count == names.count ? cols : nil
        }
        func tally(_ label: String, field: String?) -> Int {
            addTally(spec.type, field: field, severity: severity, dimension: dimension, label: message ?? label)
        }
        func title(_ c: Int) -> String { "「\(schema.fields[c].title)」" }

        switch spec.type {
        case "expression":
            compileExpression(r, severity: severity, dimension: dimension, message: message, spec: spec)
        case "id_birth_matches", "id_sex_matches":
            let named = spec.type == "id_birth_matches" ? "birth_date" : "sex"
            var cols: [Int]?
            if r.has("fields") { cols = fieldList("fields", required: true) } else if let a = field("id"), let b = field(named) { cols = [a, b] }
            guard let cols else { return }
            guard cols.count == 2 else { r.error("rules.\(spec.type).fields: give two fields (ID and \(named))"); return }
            let (id, other) = (cols[0], cols[1])
            let test: (Int, RowBatch.Cells) -> Bool?
            if spec.type == "id_birth_matches" {
                guard case .date(let formats) = CompiledExpression.kind(of: schema.fields[other]) else {
                    r.error("rules.id_birth_matches: `\(schema.fields[other].name)` is not a date field"); return
                }
                test = { row, cells in IdentityRules.birthMatches(cells.at(row, id), cells.at(row, other), formats) }
            } else {
                test = { row, cells in IdentityRules.sexMatches(cells.at(row, id), cells.at(row, other)) }
            }
            let label = spec.type == "id_birth_matches" ? "\(title(id))中的出生日期应与\(title(other))一致" : "\(title(id))第17位的性别应与\(title(other))一致"
            let t = tally(label, field: schema.fields[id].name)
            plan.rowChecks.append(RowCheck(tally: t, reject: severity == .reject, nullFails: false, valueColumn: id, test: test))
        case "region_matches_address":
            guard let region = field("region"), let address = field("address") else { return }
            let tableName = r.string("table") ?? "gb2260"
            guard let table = byteTable(tableName, at: r.raw("table")?.location ?? r.location, context: "rules.region_matches_address") else { return }
            let t = tally("\(title(address))应包含\(title(region))对应的区划名称", field: schema.fields[address].name)
            plan.rowChecks.append(RowCheck(tally: t, reject: severity == .reject, nullFails: false, valueColumn: address) { row, cells in
                IdentityRules.regionInAddress(cells.at(row, region), cells.at(row, address), table)
            })
        case "row_count":
            let lo = r.int("min", range: 0...Int.max), hi = r.int("max", range: 0...Int.max)
            if lo == nil, hi == nil { r.error("rules.row_count: give `min` or `max`") }
            let t = tally("行数应在 \(lo ?? 0)–\(hi.map(String.init) ?? "∞") 之间", field: nil)
            plan.aggregates.append(.rowCount(tally: t, min: lo, max: hi))
        case "duplicate_rows", "duplicate_keys":
            var cols = Array(0..<schema.fields.count)
            if spec.type == "duplicate_keys" { guard let c = fieldList("fields", required: true), !c.isEmpty else { return }; cols = c }
            let label = spec.type == "duplicate_rows" ? "不应有完全重复的行" : "\(cols.map(title).joined(separator: "+"))组合不应重复"
            let t = tally(label, field: spec.type == "duplicate_keys" ? cols.map { schema.fields[$0].name }.joined(separator: ",") : nil)
            plan.duplicateChecks.append(DuplicateCheck(columns: cols, tally: t, reject: severity == .reject, skipNulls: false,
                                                       set: FingerprintSet(capacity: 4096)))
        case "completeness":
            guard let cols = fieldList("fields", required: false) else { return }
            let columns = cols.isEmpty ? Array(0..<schema.fields.count) : cols
            let minimum = r.double("min", required: true) ?? 1
            if !(0...1).contains(minimum) { r.error("rules.completeness.min must be a share between 0 and 1", at: r.raw("min")?.location) }
            let t = tally("每个字段非空比例应不低于 \(Int((minimum * 100).rounded()))%", field: cols.isEmpty ? nil : cols.map { schema.fields[$0].name }.joined(separator: ","))
            plan.aggregates.append(.completeness(tally: t, columns: columns, min: minimum))
        case "sum_equals":
            guard let c = field("field") else { return }
            let total = r.double("total")
            let other = r.has("equals_sum_of") ? field("equals_sum_of") : nil
            if (total == nil) == (other == nil) { r.error("rules.sum_equals: give either `total` or `equals_sum_of`") }
            for col in [c] + (other.map { [$0] } ?? []) where ![.integer, .number].contains(schema.fields[col].type) {
                r.error("rules.sum_equals: `\(schema.fields[col].name)` is not a number field")
            }
            let tolerance = r.double("tolerance") ?? 0.005
            plan.summedColumns.insert(c)
            if let other { plan.summedColumns.insert(other) }
            let label = total.map { "\(title(c))合计应等于 \($0)" } ?? other.map { "\(title(c))合计应等于\(title($0))合计" } ?? ""
            plan.aggregates.append(.sumEquals(tally: tally(label, field: schema.fields[c].name), column: c, total: total,
                                              otherColumn: other, tolerance: tolerance))
        case "reference":
            guard let local = field("local_field"), let dataset = r.string("dataset", required: true),
                  let other = r.string("field", required: true) else { return }
            compileReference(dataset: dataset, field: other, column: local, severity: severity, dimension: dimension,
                             label: message ?? "\(title(local))应存在于数据集 \(dataset) 的 \(other) 中",
                             at: (r.raw("dataset")?.location ?? spec.location, r.raw("field")?.location ?? spec.location))
        default: break
        }
    }

    static func datasetDefaultDimension(_ type: String) -> QualityDimension {
        switch type {
        case "row_count", "completeness": return .completeness
        case "duplicate_rows", "duplicate_keys": return .accuracy
        default: return .consistency
        }
    }

    private func compileExpression(_ r: ConfigReader, severity: CheckSeverity, dimension: QualityDimension, message: String?, spec: RuleSpec) {
        guard let text = r.string("expression", required: true) else { return }
        let nullFails = r.bool("required") ?? false
        let loc = r.raw("expression")?.location ?? spec.location
        do {
            let e = try Expression.parse(text)
            guard e.isLogical else {
                error("rules.expression: `\(text)` computes a value but compares nothing", at: loc, hint: "write a comparison such as `a + b == total`")
                return
            }
            let compiled = try CompiledExpression(e, schema: schema)
            let refs = e.fieldReferences.compactMap { schema.index(of: $0.0) }
            let t = addTally("expression", field: refs.first.map { schema.fields[$0].name }, severity: severity, dimension: dimension,
                             label: message ?? "应满足：\(text)")
            plan.rowChecks.append(RowCheck(tally: t, reject: severity == .reject, nullFails: nullFails, valueColumn: refs.first) { row, cells in
                compiled.evaluate(row: row, cells: cells)
            })
        } catch let e as Expression.SyntaxError {
            var at = loc
            // Columns count from the value's first character (after the quote of a quoted one).
            at.column = at.column.map { $0 + e.offset }
            let hint = e.message.contains("is not a field") ? Suggest.closest(to: String(e.message.split(separator: "`")[0]), in: schema.names).map { "did you mean `\($0)`?" } : nil
            error("rules.expression: \(e.message) (at character \(e.offset + 1) of `\(text)`)", at: at, hint: hint)
        } catch {}
    }
}
