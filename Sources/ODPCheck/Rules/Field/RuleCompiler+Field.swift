import Foundation
import ODPCore

extension RuleCompiler {
    /// Default severity and dimension of each field rule (see the README of this target).
    static func fieldDefaults(_ type: String) -> (CheckSeverity, QualityDimension) {
        switch type {
        case "required": return (.reject, .completeness)
        case "unique": return (.reject, .accuracy)
        case "min", "max", "date_range": return (.reject, .accuracy)
        case "gb11643", "gb32100", "gb11714", "luhn": return (.reject, .accuracy)
        case "reference": return (.hold, .consistency)
        default: return (.reject, .conformity)
        }
    }

    func compileFieldRule(_ spec: RuleSpec, column: Int, field: FieldDefinition) {
        let context = "field `\(field.name)`.rules.\(spec.type)"
        guard spec.type != "type" else { return }  // handled with the implicit type rule
        guard Self.fieldRuleTypes.contains(spec.type) else {
            let hint = Suggest.closest(to: spec.type, in: Self.fieldRuleTypes).map { "did you mean `\($0)`?" }
            error("field `\(field.name)`: unknown rule type `\(spec.type)`", at: spec.location,
                  hint: hint ?? "field rules: \(Self.fieldRuleTypes.joined(separator: ", "))")
            return
        }
        let r = spec.reader(context: context)
        defer { diagnostics += r.finish() }
        let (defSeverity, defDimension) = Self.fieldDefaults(spec.type)
        let (severity, dimension, message) = common(r, severity: defSeverity, dimension: defDimension)
        let title = "「\(field.title)」"
        func add(_ label: String, _ test: @escaping CellTest) {
            let tally = addTally(spec.type, field: field.name, severity: severity, dimension: dimension,
                                 label: message ?? title + label)
            plan.cellChecks.append(CellCheck(column: column, tally: tally, reject: severity == .reject, test: test))
        }
        switch spec.type {
        case "required":
            let tally = addTally("required", field: field.name, severity: severity, dimension: dimension,
                                 label: message ?? title + "不能为空")
            plan.nullChecks.append(NullCheck(columns: [column], tally: tally, reject: severity == .reject))
        case "unique":
            let tally = addTally("unique", field: field.name, severity: severity, dimension: dimension,
                                 label: message ?? title + "不能重复")
            plan.duplicateChecks.append(DuplicateCheck(columns: [column], tally: tally, reject: severity == .reject, skipNulls: true,
                                                       set: FingerprintSet(capacity: 4096)))
        case "min", "max":
            let isMin = spec.type == "min"
            guard let bound = boundParameter(r, field: field) else { return }
            let reader = valueReader(field)
            add(isMin ? "不应小于 \(r.string("value") ?? "")" : "不应大于 \(r.string("value") ?? "")") { cell, _, _ in
                guard let v = reader(cell) else { return true }  // the type rule reports unreadable values
                return isMin ? v >= bound : v <= bound
            }
        case "length":
            let lo = r.int("min", range: 0...1_000_000), hi = r.int("max", range: 0...1_000_000)
            if lo == nil, hi == nil { r.error("\(context): give `min` or `max` (characters)") }
            let minimum = lo ?? 0, maximum = hi ?? Int.max
            add("长度应在 \(minimum)–\(hi.map(String.init) ?? "∞") 个字符之间") { cell, _, _ in
                var n = 0
                for b in cell where b & 0xC0 != 0x80 { n += 1 }
                return n >= minimum && n <= maximum
            }
        case "pattern":
            guard let text = r.string("pattern", required: true) else { return }
            do {
                let p = try BytePattern(text)
                add("格式应符合 \(text)") { cell, _, _ in p.matches(cell) }
            } catch let e as BytePattern.SyntaxError {
                var loc = r.raw("pattern")?.location ?? spec.location
                loc.column = loc.column.map { $0 + e.offset }
                error("\(context): bad pattern: \(e.message) (at character \(e.offset + 1))", at: loc)
            } catch {}
        case "enum":
            let values = r.strings("values", required: true)
            let set = FingerprintSet(capacity: 4096)
            for v in values { _ = set.insert(Fingerprint.hash(v)) }
            add("应为以下之一：\(values.joined(separator: "、"))") { cell, _, _ in set.contains(Fingerprint.hash(cell)) }
        case "code_table":
            compileCodeTable(r, context: context, field: field, add: add)
        case "gb11643": compileCitizenID(r, add: add)
        case "gb32100": compileCreditCode(r, add: add)
        case "gb11714": add("不是有效的组织机构代码（GB 11714 校验位）") { cell, _, _ in Checksums.gb11714(cell) }
        case "luhn": add("未通过 Luhn 校验") { cell, _, _ in Checksums.luhn(cell) }
        case "date_range":
            compileDateRange(r, column: column, field: field, add: add)
        case "reference":
            guard let dataset = r.string("dataset", required: true), let other = r.string("field", required: true) else { return }
            compileReference(dataset: dataset, field: other, column: column, severity: severity, dimension: dimension,
                             label: message ?? "\(title)应存在于数据集 \(dataset) 的 \(other) 中",
                             at: (r.raw("dataset")?.location ?? spec.location, r.raw("field")?.location ?? spec.location))
        default: break
        }
    }

    /// A number for number fields, a day number for date fields.
    func valueReader(_ field: FieldDefinition) -> (UnsafeBufferPointer<UInt8>) -> Double? {
        switch CompiledExpression.kind(of: field) {
        case .date(let formats):
            return { cell in
                formats.parse(cell).map(CompiledExpression.dayNumber)
            }
        default: return { NumberScan.double($0) }
        }
    }

    private func boundParameter(_ r: ConfigReader, field: FieldDefinition) -> Double? {
        if case .date = CompiledExpression.kind(of: field) {
            if !r.has("value") { r.error("\(r.context): missing required key `value`") }
            return dateParameter(r, "value")
        }
        if field.type == .string || field.type == .code || field.type == .boolean {
            r.error("\(r.context): `min`/`max` apply to number and date fields, `\(field.name)` is \(field.type.rawValue)")
            return nil
        }
        return r.double("value", required: true)
    }

    private func compileCodeTable(_ r: ConfigReader, context: String, field: FieldDefinition, add: (String, @escaping CellTest) -> Void) {
        guard let name = r.string("table", required: true) else { return }
        var asOf: (Int, [DateFormat])?
        if let dateField = r.string("as_of_field"), let loc = r.raw("as_of_field")?.location {
            if let c = column(dateField, at: loc, context: "\(context).as_of_field") {
                if case .date(let formats) = CompiledExpression.kind(of: schema.fields[c]) { asOf = (c, formats) } else {
                    r.error("\(context).as_of_field: `\(dateField)` is not a date field", at: loc)
                }
            }
        }
        let level = codeTableLevel(r)
        guard let table = byteTable(name, level: level, at: r.raw("table")?.location ?? r.location, context: context) else { return }
        let kind = level.map { "第 \($0) 层级（\(CodeTable.levelNames[$0 - 1])）的代码" } ?? "的代码"
        let label = asOf == nil ? "应为代码表 \(name) 中\(kind)" : "应为记录日期时代码表 \(name) 中有效\(kind)"
        add(label) { cell, row, cells in
            var year: Int?
            if let (c, formats) = asOf, let d = cells.at(row, c) {
                year = formats.parse(d)?.year
            }
            return table.contains(cell, year: year)
        }
    }

    private func compileDateRange(_ r: ConfigReader, column: Int, field: FieldDefinition, add: (String, @escaping CellTest) -> Void) {
        let formats: [DateFormat]
        if case .date(let f) = CompiledExpression.kind(of: field) { formats = f } else { formats = [DateFormat.isoDate] }
        let notFuture = r.bool("not_future") ?? false
        let before = dateParameter(r, "not_before")
        let after = dateParameter(r, "not_after")
        let today = CompiledExpression.dayNumber(CivilDateTime(year: runDate.year, month: runDate.month, day: runDate.day)) + 1
        var parts = ["应为真实日期"]
        if notFuture { parts.append("不晚于运行日期") }
        if let b = r.string("not_before") { parts.append("不早于 \(b)") }
        if let a = r.string("not_after") { parts.append("不晚于 \(a)") }
        let parsedDays = self.parsedDays[column]
        add(parts.joined(separator: "，")) { cell, row, _ in
            let day: Double
            if let parsedDays {
                day = parsedDays[row]
                guard !day.isNaN else { return false }
            } else {
                guard let parsed = formats.parse(cell) else { return false }
                day = CompiledExpression.dayNumber(parsed)
            }
            if notFuture, day >= today { return false }
            if let before, day < before { return false }
            if let after, day >= after + 1 { return false }
            return true
        }
    }

    func compileReference(dataset: String, field other: String, column: Int, severity: CheckSeverity, dimension: QualityDimension,
                          label: String, at locations: (dataset: SourceLocation, field: SourceLocation)) {
        let tally = addTally("reference", field: schema.fields[column].name, severity: severity, dimension: dimension, label: label)
        let slot = ReferenceSlot(dataset: dataset, field: other, tally: tally, datasetLocation: locations.dataset, fieldLocation: locations.field)
        plan.references.append(slot)
        plan.rowChecks.append(RowCheck(tally: tally, reject: severity == .reject, nullFails: false, valueColumn: column) { row, cells in
            guard let keys = slot.keys, let cell = cells.at(row, column), cell.count > 0 else { return nil }
            return keys.contains(Fingerprint.hash(cell))
        })
    }
}
