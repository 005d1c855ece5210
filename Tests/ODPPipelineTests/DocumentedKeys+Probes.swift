import Foundation
import ODPCore
import ODPDemoData
import ODPPipeline
import ODPRelease
import Testing

extension KeysRun {
    /// Rows as one comparable text.
    var rowsText: String { rows.map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";") }.joined(separator: "\n") }

    /// Quality-report entries of the comparison with the previous release that flagged something.
    var flaggedComparisons: Int {
        ((json("quality-report.json")["rules"] as? [[String: Any]]) ?? [])
            .filter { ($0["type"] as? String)?.hasPrefix("compare") == true && (($0["failed"] as? Int) ?? 0) > 0 }.count
    }
}

extension KeysWorkspace {
    /// The same table in another source format: the CSV source lines replaced.
    mutating func source(_ lines: String, file: String, bytes: Data) {
        edit("  type: csv\n  path: ../data/keys.csv\n", lines)
        files["data/\(file)"] = bytes
    }

    /// The table as SQLite with `updated_at` and `is_deleted`, read incrementally. In the
    /// second delivery row 1 is updated, row 35 changed with a watermark a day older than the
    /// stored one, row 36 with one half an hour older (inside the default lookback), row 37
    /// flagged deleted and row 38 changed with an empty watermark.
    static let weekly = "{watermark: updated_at, deleted_flag: is_deleted, mode: merge, reconcile: {every: 每周}}"
    mutating func incremental(second: Bool, _ incremental: String = KeysWorkspace.weekly) {
        var records = CSVText.parse(csv).filter { !$0.isEmpty && $0 != [""] }
        let memo = KeysWorkspace.header.firstIndex(of: "memo")!
        records[0] += ["updated_at", "is_deleted"]
        for i in 1..<records.count { records[i] += ["2026-11-01 08:00:00", "0"] }
        if second {
            records[1][memo] = "已更新"
            records[1][records[1].count - 2] = "2026-11-02 08:00:00"
            records[35][memo] = "未标记的改动"
            records[35][records[35].count - 2] = "2026-10-31 08:00:00"
            records[36][memo] = "回看窗口内的改动"
            records[36][records[36].count - 2] = "2026-11-01 07:30:00"
            records[38][memo] = "时间为空的改动"
            records[38][records[38].count - 2] = ""
            records[37][records[37].count - 2] = "2026-11-02 08:00:00"
            records[37][records[37].count - 1] = "1"
        }
        let table = KeysTable(records: records)
        source("  type: sqlite\n  path: ../data/keys.sqlite\n  table: keys_table\n  incremental: \(incremental)\n", file: "keys.sqlite",
               bytes: KeysTable.bytes { try DemoWriters.sqlite(table, to: $0) })
    }

    /// The second delivery in the comparison probes: rows 33–40 gone, every memo empty, amounts tripled.
    mutating func changedDelivery() {
        // Fewer rows make smaller k-anonymity classes; suppression is not what these probes test.
        edit("max_suppression: 0.08", "max_suppression: 0.5")
        var lines = csv.components(separatedBy: "\n")
        lines.removeSubrange(33...40)
        let memo = KeysWorkspace.header.firstIndex(of: "memo")!, amount = KeysWorkspace.header.firstIndex(of: "amount")!
        for i in 1..<lines.count where !lines[i].isEmpty {
            var cells = lines[i].components(separatedBy: ",")
            cells[memo] = ""
            cells[amount] = String((Int(cells[amount]) ?? 0) * 3)
            lines[i] = cells.joined(separator: ",")
        }
        csv = lines.joined(separator: "\n")
    }
}

extension KeysWorkspace {
    /// A second dataset, `regions-ref`, publishing the codes 350102 and 350104 only.
    mutating func referencedDataset() {
        files["defs/ref.yml"] = Data("""
            id: regions-ref
            catalog: {title: 区划参照表, code: 350100-KEYS-00011, provider: 键值测试局, provider_code: 11350100MB1995472L, summary: 参照用的区划代码。, domain: 测试, open_type: 无条件开放, update_cycle: 每年, license: CC-BY-4.0}
            source: {type: csv, path: ../data/ref.csv}
            fields:
              - {name: code, title: 代码, type: string, class: public}
              - {name: name, title: 名称, type: string, class: public}

            """.utf8)
        files["data/ref.csv"] = Data("code,name\n350102,鼓楼区\n350104,仓山区\n".utf8)
    }

    /// The changed delivery, with the row count compared strictly and flagged jumps held.
    mutating func flaggedDelivery(explain: String? = nil) {
        changedDelivery()
        edit("row_count_change: 0.9", "row_count_change: 0.1")
        edit("severity: warn}\nscreens", "severity: hold" + (explain.map { ", explain: \($0)" } ?? "") + "}\nscreens")
    }
}

extension KeysRun {
    var explanations: [[String: Any]] {
        ((json("quality-report.json")["comparison"] as? [String: Any])?["explanations"] as? [[String: Any]]) ?? []
    }
}

extension DocumentedKeysTests {
    static let table = KeysTable(KeysWorkspace.base.csv)

    static func differs(_ base: KeysRun, _ variant: KeysRun, _ field: String, rec: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(base.cell(field, rec: rec) != nil, "no \(field) in row \(rec) of the base", sourceLocation: sourceLocation)
        #expect(base.cell(field, rec: rec) != variant.cell(field, rec: rec), "\(field) of row \(rec): \(base.cell(field, rec: rec) ?? "nil")", sourceLocation: sourceLocation)
    }

    static func sameRows(_ base: KeysRun, _ variant: KeysRun, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(variant.errors.isEmpty, "\(variant.errors)", sourceLocation: sourceLocation)
        #expect(variant.rows.count > 10 && variant.rowsText == base.rowsText, "\(variant.reasons) \(variant.outcome?.error ?? "")", sourceLocation: sourceLocation)
    }

    /// A value of each identifier kind, planted in the public field reg_authority.
    static let identifiers: [(kind: String, value: String)] = {
        let id17 = "35010219800101123"
        let card15 = "622848000000001"
        return [
            ("id_card", id17 + String(Checksums.gb11643CheckCharacter(id17)!)), ("mobile", "13912345678"),
            ("bank_card", card15 + String(KeysWorkspace.luhnDigit(card15))), ("email", "keys-officer@example.org"),
            ("passport", "护照E12345678"), ("hk_macau_permit", "C12345678"), ("taiwan_permit", "台胞证号：12345678"),
            ("plate", "闽A12345"), ("ipv4", "192.168.10.20"), ("ipv6", "2001:db8:85a3::8a2e:370:7334"),
        ]
    }()

    /// Per kind: found in reg_authority it holds the release; with `allow: [{kind}]` it is published.
    static let allowProbes: [Probe] = identifiers.map { kind, value in
        let plant: @Sendable (inout KeysWorkspace) -> Void = { w in
            let column = KeysWorkspace.header.firstIndex(of: "reg_authority")!
            w.editRow(1) { line in
                var cells = line.components(separatedBy: ",")
                cells[column] += " " + value
                return cells.joined(separator: ",")
            }
        }
        return Probe(["allow.kind.\(kind)"], baseChange: plant, { w in
            plant(&w)
            w.edit("      - {kind: landline, reason: 登记机关对外公布的办公电话}\n",
                   "      - {kind: landline, reason: 登记机关对外公布的办公电话}\n      - {kind: \(kind), reason: 键值测试允许}\n")
        }) { base, variant in
            #expect(base.status == .held && base.reasons.contains { $0.contains("reg_authority") }, "\(kind): \(base.reasons)")
            #expect(variant.status == .published && variant.cell("reg_authority", rec: 1)?.hasSuffix(value) == true, "\(kind): \(variant.reasons)")
        }
    }

    static let probes: [Probe] = allowProbes + truthProbes + [
        // odp.yml
        Probe(["odp.keys.pseudonym.secret"], { $0.editODP("file:secrets/pseudonym.key", "file:secrets/signing.key") }) { base, variant in
            differs(base, variant, "person_id", rec: 1)
        },
        Probe(["odp.code_tables.*.history"], { $0.editODP("    history: codes/gb2260-history.csv\n", "") }) { base, variant in
            #expect(!variant.errors.isEmpty || variant.rejected(row: 6, rule: "code_table"), "as of 2010, 350182 needs the history")
        },
        // Dataset keys.
        Probe(["approval"], { $0.edit("approval: none", "approval: required") }) { base, variant in
            #expect(base.status == .published && variant.status == .awaitingApproval, "\(variant.status.map { "\($0)" } ?? "nil")")
        },
        Probe(["release.csv_bom"], { $0.edit("csv_bom: false", "csv_bom: true") }) { base, variant in
            #expect(variant.data("data/keys.csv")?.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
            #expect(base.data("data/keys.csv")?.prefix(3) != Data([0xEF, 0xBB, 0xBF]))
        },
        Probe(["release.formats"], { $0.edit("formats: [csv, json]", "formats: [csv]") }) { base, variant in
            #expect(base.data("data/keys.json") != nil && variant.data("data/keys.csv") != nil)
            #expect(variant.data("data/keys.json") == nil && !variant.text("SHA256SUMS").contains("keys.json"))
        },
        Probe(["source.on_error"], baseChange: { $0.editRow(5) { $0 + ",多余,多余" } },
              { $0.editRow(5) { $0 + ",多余,多余" }; $0.edit("on_error: reject", "on_error: fail") }) { base, variant in
            #expect(base.status == .published && base.outcome?.counts.unreadable == 1)
            #expect(variant.status == .failed, "\(variant.status.map { "\($0)" } ?? "nil")")
        },
        Probe(["primary_key"], { $0.edit("primary_key: [rec_id]\n", "") }) { base, variant in
            #expect(variant.problems.allSatisfy { $0.rule != "primary_key" } && base.problems.contains { $0.rule == "primary_key" })
        },
        Probe(["fields[].class", "privacy.quasi"], { $0.edit("{name: area, title: 所属区县, type: string, class: quasi}", "{name: area, title: 所属区县, type: string, class: public}") }) { base, variant in
            #expect(base.cell("rec_id", rec: 27) == nil && variant.cell("rec_id", rec: 27) == "27", "only quasi fields form classes")
        },
        Probe(["fields[].format"], { $0.edit("title: 出生日期, type: date, format: YYYYMMDD,", "title: 出生日期, type: date,") }) { base, variant in
            #expect(variant.status != .published || variant.cell("birth", rec: 1) != base.cell("birth", rec: 1))
        },
        Probe(["fields[].source"], { $0.edit("    source: 统一社会信用代码\n", "    source: org_code\n") }) { base, variant in
            // uscc now holds the organisation codes, which fail its GB 32100 check.
            #expect(!base.rejected(row: 1, rule: "gb32100") && variant.rejected(row: 1, rule: "gb32100"))
        },
        Probe(["fields[].allow", "fields[].allow[].kind"], { $0.edit("{kind: landline,", "{kind: mobile,") }) { base, variant in
            #expect(base.status == .published && variant.status == .held, "\(variant.reasons)")
        },
        Probe(["rule.field.code_table.as_of_field"], { $0.edit(", as_of_field: reg_date}", "}") }) { base, variant in
            #expect(!base.rejected(row: 6, rule: "code_table") && variant.rejected(row: 6, rule: "code_table"))
        },
        // Rules.
        Probe(["rule.row.region_matches_address.table"], { w in
            // A table that swaps the names of 350102 and 350103.
            w.files["codes/swapped.txt"] = Data("350102 台江区\n350103 鼓楼区\n".utf8)
            w.editODP("code_tables:\n", "code_tables:\n  swapped:\n    path: codes/swapped.txt\n")
            w.edit("region: region_code, address: address}", "region: region_code, address: address, table: swapped}")
        }) { base, variant in
            #expect(base.rejected(row: 8, rule: "region_matches_address") && !base.rejected(row: 1, rule: "region_matches_address"))
            #expect(!variant.rejected(row: 8, rule: "region_matches_address") && variant.rejected(row: 1, rule: "region_matches_address"))
        },
        Probe(["rule.*.hold", "rules[].severity"], { $0.edit("{type: row_count, min: 1, max: 10, severity: warn}", "{type: row_count, min: 1, max: 10}") }) { base, variant in
            #expect(base.status == .published && variant.status == .held, "table rules hold by default")
        },
        Probe(["rule.table.row_count.max"], { $0.edit("max: 10, severity", "max: 100000, severity") }) { base, variant in
            #expect(base.failed("row_count") == 1 && variant.failed("row_count") == 0)
        },
        Probe(["rule.table.row_count.min"], baseChange: { $0.edit("max: 10, severity", "max: 100000, severity") },
              { $0.edit("min: 1, max: 10, severity", "min: 1000, max: 100000, severity") }) { base, variant in
            #expect(base.failed("row_count") == 0 && variant.failed("row_count") == 1)
        },
        Probe(["rule.table.completeness.min"], { $0.edit("min: 0.9, severity", "min: 0.01, severity") }) { base, variant in
            #expect(base.failed("completeness") == 1 && variant.failed("completeness") == 0)
        },
        Probe(["rule.table.duplicate_keys.fields"], { $0.edit("fields: [sex, area], severity", "fields: [zip], severity") }) { base, variant in
            #expect(base.failed("duplicate_keys") > variant.failed("duplicate_keys"))
        },
        Probe(["rule.table.sum_equals.tolerance"], { $0.edit("total: 1, severity", "total: 1, tolerance: 1000000, severity") }) { base, variant in
            #expect(base.failed("sum_equals") == 1 && variant.failed("sum_equals") == 0)
        },
        Probe(["rule.table.sum_equals.equals_sum_of"], { $0.edit("total: 1, severity", "equals_sum_of: part_b, severity") }) { base, variant in
            #expect(base.failed("sum_equals") == 1 && variant.failed("sum_equals") == 0, "part_a and part_b are equal in every row")
        },
        // Operators: one parameter changed, the cell changes.
        Probe(["desensitize.mask.keep_last"], { $0.edit("keep_last: 0, char", "keep_last: 1, char") }) { base, variant in
            #expect(variant.cell("operator_name", rec: 1) == "李#光")
        },
        Probe(["desensitize.mask_embedded"], { $0.edit(", desensitize: {op: mask_embedded, fields: [operator_name], char: \"○\"}", "") }) { base, variant in
            #expect(variant.status == .held && variant.reasons.contains { $0.contains("shop") }, "\(variant.reasons)")
        },
        Probe(["desensitize.pseudonym.bytes"], { $0.edit("prefix: Q, bytes: 8", "prefix: Q, bytes: 4") }) { base, variant in
            #expect(variant.cell("person_id", rec: 1)?.count == 9)
        },
        Probe(["desensitize.generalize.age_band", "desensitize.generalize.width"], { $0.edit("to: age_band, width: 10", "to: age_band, width: 3") }) { base, variant in
            differs(base, variant, "born", rec: 10)
        },
        Probe(["desensitize.generalize.top"], { $0.edit("width: 10, top: 60}", "width: 10}") }) { base, variant in
            differs(base, variant, "born", rec: 1)  // born 1961: 65 years old
        },
        Probe(["desensitize.generalize.range"], { $0.edit("to: range, width: 10,", "to: range, width: 20,") }) { base, variant in
            differs(base, variant, "employees", rec: 1)
        },
        Probe(["desensitize.generalize.top"], { $0.edit("width: 10, top: 50, bottom: 0", "width: 10, bottom: 0") }) { base, variant in
            differs(base, variant, "employees", rec: 6)  // 60 employees
        },
        Probe(["desensitize.generalize.bottom"], { $0.edit("top: 50, bottom: 0}", "top: 50}") }) { base, variant in
            differs(base, variant, "employees", rec: 31)  // -3 employees
        },
        Probe(["desensitize.generalize.province"], { $0.edit("region_level: city", "region_level: province") }) { base, variant in
            #expect(variant.cell("old_region", rec: 1) == "福建省")
        },
        Probe(["desensitize.generalize.name"], { $0.edit("region_level: city, name: true}", "region_level: city}") }) { base, variant in
            differs(base, variant, "old_region", rec: 1)
        },
        Probe(["desensitize.redact.marker"], { $0.edit(", marker: \"[屏蔽]\"", "") }) { base, variant in
            #expect(variant.cell("memo", rec: 10) == "请联系[隐去]")
        },
        Probe(["privacy.redact_marker"], { $0.edit(", redact_marker: \"[隐去]\"", "") }) { base, variant in
            #expect(variant.cell("memo2", rec: 10) == "电话[已脱敏]")
        },
        Probe(["privacy.k_anonymity.k", "privacy.k"], { $0.edit("{k: 2,", "{k: 20,") }) { base, variant in
            #expect(variant.status == .held || variant.rows.count < base.rows.count)
        },
        Probe(["privacy.k_anonymity.max_suppression", "privacy.max_suppression"], { $0.edit("max_suppression: 0.08", "max_suppression: 0.001") }) { base, variant in
            #expect(base.status == .published && variant.status == .held, "\(variant.reasons)")
        },
        Probe(["privacy.l_diversity", "privacy.l", "privacy.sensitive"], { $0.edit("l_diversity: {l: 2}", "l_diversity: {l: 4}") }) { base, variant in
            // Three grades only: no class can hold four.
            #expect(variant.status == .held || variant.rows.count < base.rows.count, "\(variant.reasons)")
        },
        // Gate.
        Probe(["gate.max_reject_share"], { $0.edit("max_reject_share: 0.9", "max_reject_share: 0.1") }) { base, variant in
            #expect(base.status == .published && variant.status == .held && variant.reasons.contains { $0.contains("剔除") }, "\(variant.reasons)")
        },
        Probe(["gate.allow_empty"], baseChange: { $0.csv = KeysWorkspace.header.joined(separator: ",") + "\n" },
              { $0.csv = KeysWorkspace.header.joined(separator: ",") + "\n"; $0.edit("allow_empty: false", "allow_empty: true") }) { base, variant in
            #expect(base.status == .held && variant.status == .published, "\(base.reasons) / \(variant.reasons)")
        },
        Probe(["gate.min_scores"], { $0.edit("gate: {", "gate: {min_scores: {完整性: 0.999}, ") }) { base, variant in
            #expect(variant.status == .held && variant.reasons.contains { $0.contains("完整性") }, "\(variant.reasons)")
        },
        Probe(["gate.min_overall"], { $0.edit("gate: {", "gate: {min_overall: 0.999, ") }) { base, variant in
            #expect(variant.status == .held, "\(variant.reasons)")
        },
        Probe(["gate.timeliness", "gate.field", "gate.max_age_days"], { $0.edit("gate: {", "gate: {timeliness: {field: reg_date, max_age_days: 1}, ") }) { base, variant in
            let dims = { (run: KeysRun) in "\((run.json("quality-report.json")["dimensions"] as? [String: Any])?["时效性"] ?? "")" }
            #expect(dims(base) != dims(variant), "\(dims(variant))")
        },
        // Screens: the parameter changes what the screen reports.
        Probe(["screens.k"], { $0.edit("method: iqr}", "method: iqr, k: 0.1}") }) { base, variant in
            #expect("\(base.rules("screen_outliers"))" != "\(variant.rules("screen_outliers"))", "\(variant.rules("screen_outliers"))")
        },
        Probe(["screens.max_share"], baseChange: { $0.edit("method: iqr}", "method: iqr, k: 0.1}") },
              { $0.edit("method: iqr}", "method: iqr, k: 0.1, max_share: 0.99}") }) { base, variant in
            #expect(base.failed("screen_outliers") > 0 && variant.failed("screen_outliers") == 0, "\(base.rules("screen_outliers")) / \(variant.rules("screen_outliers"))")
        },
        Probe(["screens.sigma", "screens.method"], { $0.edit("method: iqr", "method: sigma") }) { base, variant in
            #expect("\(base.rules("screen_outliers"))" != "\(variant.rules("screen_outliers"))")
        },
        // Comparison with the previous release (the base run first, then a changed delivery).
        Probe(["compare", "compare.row_count_change"], before: { _ in }, baseChange: { $0.changedDelivery() },
              { $0.changedDelivery(); $0.edit("row_count_change: 0.9", "row_count_change: 0.1") }) { base, variant in
            #expect(variant.flaggedComparisons > base.flaggedComparisons, "\(variant.json("quality-report.json")["comparison"] ?? "")")
        },
        Probe(["compare.null_rate_change"], before: { _ in }, baseChange: { $0.changedDelivery() },
              { $0.changedDelivery(); $0.edit("null_rate_change: 0.9", "null_rate_change: 0.1") }) { base, variant in
            #expect(variant.flaggedComparisons > base.flaggedComparisons)
        },
        Probe(["compare.mean_change"], before: { _ in }, baseChange: { $0.changedDelivery() },
              { $0.changedDelivery(); $0.edit("mean_change: 9", "mean_change: 0.5") }) { base, variant in
            #expect(variant.flaggedComparisons > base.flaggedComparisons)
        },
        Probe(["compare.sum_change"], before: { _ in }, baseChange: { $0.changedDelivery() },
              { $0.changedDelivery(); $0.edit("sum_change: 9", "sum_change: 0.5") }) { base, variant in
            #expect(variant.flaggedComparisons > base.flaggedComparisons)
        },
        Probe(["compare.severity"], before: { _ in }, baseChange: { $0.changedDelivery(); $0.edit("row_count_change: 0.9", "row_count_change: 0.1") },
              { $0.changedDelivery(); $0.edit("row_count_change: 0.9", "row_count_change: 0.1"); $0.edit("severity: warn}\nscreens", "severity: hold}\nscreens") }) { base, variant in
            #expect(base.status == .published && variant.status == .held, "\(base.reasons) / \(variant.reasons)")
        },
        Probe(["compare.hold"], before: { _ in }, baseChange: { $0.changedDelivery(); $0.edit("row_count_change: 0.9", "row_count_change: 0.1") },
              { $0.changedDelivery(); $0.edit("row_count_change: 0.9", "row_count_change: 0.1"); $0.edit(", severity: warn}\nscreens", "}\nscreens") }) { base, variant in
            #expect(base.status == .published && variant.status == .held, "a compare block holds by default")
        },
        // Sources: the same table through each documented reading key gives the same rows.
        Probe(["source.csv.encoding", "source.csv.gb18030"], { w in
            w.csvBytes = KeysTable.bytes { try DemoWriters.csv(table, to: $0, encoding: "gb18030") }
            w.edit("  on_error: reject\n", "  on_error: reject\n  encoding: gb18030\n")
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.csv.gbk"], { w in
            w.csvBytes = KeysTable.bytes { try DemoWriters.csv(table, to: $0, encoding: "gb18030") }
            w.edit("  on_error: reject\n", "  on_error: reject\n  encoding: gbk\n")
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.csv.auto"], { w in
            w.csvBytes = KeysTable.bytes { try DemoWriters.csv(table, to: $0, encoding: "gb18030") }
            w.edit("  on_error: reject\n", "  on_error: reject\n  encoding: auto\n")
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.csv.utf-8"], { w in
            w.csvBytes = KeysTable.bytes { try DemoWriters.csv(table, to: $0, encoding: "gb18030") }
            w.edit("  on_error: reject\n", "  on_error: reject\n  encoding: utf-8\n")
        }) { base, variant in
            // GB18030 bytes read as UTF-8: not the same table.
            #expect(variant.rowsText != base.rowsText)
        },
        Probe(["source.csv.delimiter"], { w in
            w.csv = w.csv.replacingOccurrences(of: ",", with: ";")
            w.edit("  on_error: reject\n", "  on_error: reject\n  delimiter: \";\"\n")
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.csv.quote"], { w in
            w.editRow(1) { $0.replacingOccurrences(of: ",联系我们,", with: ",'联系,我们',") }
            w.edit("  on_error: reject\n", "  on_error: reject\n  quote: \"'\"\n")
        }) { base, variant in #expect(variant.cell("memo", rec: 1) == "联系,我们") },
        Probe(["source.csv.none"], { w in
            w.editRow(1) { $0.replacingOccurrences(of: ",联系我们,", with: ",联系\"我们,") }
            w.edit("  on_error: reject\n", "  on_error: reject\n  quote: none\n")
        }) { base, variant in
            #expect(variant.cell("memo", rec: 1) == "联系\"我们")
            #expect(variant.rows.count == base.rows.count)
        },
        Probe(["source.csv.header"], { w in
            w.csv = w.csv.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
            w.edit("  on_error: reject\n", "  on_error: reject\n  header: false\n")
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.csv.skip_rows"], { w in
            w.csv = "导出时间：2026-12-07\n市场监管局登记表\n" + w.csv
            w.edit("  on_error: reject\n", "  on_error: reject\n  skip_rows: 2\n")
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.csv.max_quoted_lines"], baseChange: { $0.editRow(30) { $0.replacingOccurrences(of: ",说明30,", with: ",\"说明30,") } },
              { $0.editRow(30) { $0.replacingOccurrences(of: ",说明30,", with: ",\"说明30,") }
                  $0.edit("  on_error: reject\n", "  on_error: reject\n  max_quoted_lines: 3\n") }) { base, variant in
            let (b, v) = (base.outcome?.counts.unreadable ?? 0, variant.outcome?.counts.unreadable ?? 0)
            #expect(b == 11 && v == 3, "a stray quote in row 30 swallows rows 30–40; with max_quoted_lines 3 only 3 (\(b), \(v))")
        },
        Probe(["source.type.xlsx", "source.xlsx.sheet"], { w in
            w.source("  type: xlsx\n  path: ../data/keys.xlsx\n  sheet: 登记表\n", file: "keys.xlsx",
                     bytes: KeysTable.bytes { try DemoXLSX.write(table, to: $0, sheetName: "登记表", numericColumns: [], dateColumns: []) })
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.xlsx.sheet"], { w in
            // The workbook's first sheet is a 说明 sheet: without `sheet`, that is what is read.
            w.source("  type: xlsx\n  path: ../data/keys.xlsx\n", file: "keys.xlsx",
                     bytes: KeysTable.bytes { try DemoXLSX.write(table, to: $0, sheetName: "登记表", numericColumns: [], dateColumns: []) })
        }) { base, variant in #expect(variant.rows.count < 2 && variant.status != .published) },
        Probe(["source.xlsx.header"], { w in
            let records = table.records
            let noHeader = KeysTable(records: Array(records.dropFirst()))
            w.source("  type: xlsx\n  path: ../data/keys.xlsx\n  sheet: 登记表\n  header: false\n", file: "keys.xlsx",
                     bytes: KeysTable.bytes { try DemoXLSX.write(noHeader, to: $0, sheetName: "登记表", numericColumns: [], dateColumns: []) })
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.xlsx.skip_rows"], { w in
            let records = table.records
            let junk = KeysTable(records: [["导出时间"] + Array(repeating: "", count: records[0].count - 1), ["登记表"] + Array(repeating: "", count: records[0].count - 1)] + records)
            w.source("  type: xlsx\n  path: ../data/keys.xlsx\n  sheet: 登记表\n  skip_rows: 2\n", file: "keys.xlsx",
                     bytes: KeysTable.bytes { try DemoXLSX.write(junk, to: $0, sheetName: "登记表", numericColumns: [], dateColumns: []) })
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.type.json"], { w in
            let objects = table.records.dropFirst().map { cells in
                Dictionary(uniqueKeysWithValues: zip(table.columns, cells).map { ($0, $1.isEmpty ? NSNull() as Any : $1 as Any) })
            }
            w.source("  type: json\n  path: ../data/keys.json\n", file: "keys.json", bytes: (try? JSONSerialization.data(withJSONObject: objects)) ?? Data())
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.type.ndjson"], { w in
            w.source("  type: ndjson\n  path: ../data/keys.ndjson\n", file: "keys.ndjson", bytes: KeysTable.bytes { try DemoWriters.ndjson(table, to: $0) })
        }) { base, variant in sameRows(base, variant) },
        Probe(["source.query", "source.parameters"], { w in
            w.source("  type: sqlite\n  path: ../data/keys.sqlite\n  query: SELECT * FROM keys_table WHERE CAST(rec_id AS INTEGER) >= CAST(? AS INTEGER)\n  parameters: [\"3\"]\n",
                     file: "keys.sqlite", bytes: KeysTable.bytes { try DemoWriters.sqlite(table, to: $0) })
        }) { base, variant in
            #expect(variant.outcome?.rowsRead == 38 && variant.cell("rec_id", rec: 1) == nil && variant.cell("rec_id", rec: 33) == "33" && base.cell("rec_id", rec: 1) == "1",
                    "\(variant.errors) \(variant.outcome?.rowsRead ?? -1) \(variant.status.map { "\($0)" } ?? "") \(variant.reasons) \(variant.outcome?.error ?? "")")
        },
        Probe(["source.table", "source.type.sqlite"], { w in
            w.source("  type: sqlite\n  path: ../data/keys.sqlite\n  table: keys_table\n", file: "keys.sqlite",
                     bytes: KeysTable.bytes { try DemoWriters.sqlite(table, to: $0) })
        }) { base, variant in sameRows(base, variant) },
        // Cross-dataset references: the other dataset's released keys are checked.
        Probe(["rule.field.reference", "rule.field.reference.dataset", "rule.field.reference.field"], { w in
            w.referencedDataset()
            w.edit("type: code, code_table: gb2260, class: public}", "type: code, code_table: gb2260, class: public, rules: [{type: reference, dataset: regions-ref, field: code, severity: reject}]}")
        }) { base, variant in
            // 350103 (rows 3, 6, 9 …) is not among regions-ref's codes; 350102 is.
            #expect(variant.rejected(row: 30, rule: "reference") && !variant.rejected(row: 1, rule: "reference"), "\(variant.problems.filter { $0.rule == "reference" })")
            let rule = try #require(variant.rules("reference", field: "region_code").first)
            #expect((rule["failed"] as? Int ?? 0) > 0 && !"\(rule)".contains("未检查"), "\(rule)")
            #expect(base.rules("reference").isEmpty)
        },
        Probe(["rule.table.reference", "rule.table.reference.local_field", "rule.table.reference.dataset", "rule.table.reference.field"], { w in
            w.referencedDataset()
            w.edit("rules:\n  - {type: expression", "rules:\n  - {type: reference, local_field: region_code, dataset: regions-ref, field: code, severity: warn}\n  - {type: expression")
        }) { base, variant in
            let rule = try #require(variant.rules("reference").first, "\(variant.errors)")
            #expect((rule["failed"] as? Int ?? 0) > 0 && rule["severity"] as? String == "warn" && !"\(rule)".contains("未检查"), "\(rule)")
            #expect(variant.status == .published, "\(variant.reasons)")
        },
        // compare.explain: a scoped entry turns this version's flagged jump into a recorded one.
        Probe(["compare.explain", "compare.explain[].version", "compare.explain[].text"], before: { _ in }, baseChange: { $0.flaggedDelivery() },
              { $0.flaggedDelivery(explain: "[{version: \"@NEXT_VERSION@\", text: 两区合并后的键值变化}]") }) { base, variant in
            #expect(base.status == .held && variant.status == .published, "\(base.reasons) / \(variant.reasons)")
            #expect(variant.explanations.first?["status"] as? String == "applied" && "\(variant.explanations)".contains("两区合并后的键值变化"), "\(variant.explanations)")
            #expect(variant.rules("compare_row_count").first?["explained"] as? Bool == true)
        },
        Probe(["compare.explain[].metric", "compare.explain[].until"], before: { _ in }, baseChange: { $0.flaggedDelivery(explain: "[{metric: row_count, until: \"2000-01-01\", text: 早已过期}]") },
              { $0.flaggedDelivery(explain: "[{metric: row_count, until: \"2099-12-31\", text: 年底补录}]") }) { base, variant in
            #expect(base.status == .held && base.explanations.first?["status"] as? String == "stale", "\(base.explanations)")
            #expect(variant.status == .published && variant.explanations.first?["status"] as? String == "applied", "\(variant.explanations)")
        },
        // Incremental reading: only rows newer than the last release's watermark are read and merged.
        Probe(["source.incremental", "source.incremental.watermark", "source.incremental.mode"],
              before: { $0.incremental(second: false) }, baseChange: { $0.incremental(second: true) },
              { $0.incremental(second: true, "{watermark: updated_at, deleted_flag: is_deleted, mode: full}") }) { base, variant in
            #expect(base.cell("memo", rec: 1) == "已更新" && base.cell("memo", rec: 35) == "联系我们", "merge reads rows newer than the watermark")
            #expect(variant.cell("memo", rec: 35) == "未标记的改动", "full reads every row")
        },
        Probe(["source.incremental.deleted_flag"],
              before: { $0.incremental(second: false) }, baseChange: { $0.incremental(second: true) },
              { $0.incremental(second: true, "{watermark: updated_at, mode: merge, reconcile: {every: 每周}}") }) { base, variant in
            #expect(base.cell("rec_id", rec: 37) == nil && variant.cell("rec_id", rec: 37) == "37")
        },
        // Issue 23: the read window, empty watermarks and reconciliation.
        Probe(["source.incremental.lookback"],
              before: { $0.incremental(second: false) }, baseChange: { $0.incremental(second: true) },
              { $0.incremental(second: true, KeysWorkspace.weekly.replacingOccurrences(of: "mode: merge", with: "mode: merge, lookback: 0")) }) { base, variant in
            #expect(base.cell("memo", rec: 36) == "回看窗口内的改动", "the default hour of lookback re-reads a row stamped half an hour before the watermark: \(base.errors) \(base.reasons) \(base.outcome?.error ?? "")")
            #expect(variant.cell("memo", rec: 36) != "回看窗口内的改动" && variant.cell("rec_id", rec: 36) == "36")
        },
        Probe(["source.incremental.null_watermark"],
              before: { $0.incremental(second: false) }, baseChange: { $0.incremental(second: true) },
              { $0.incremental(second: true, KeysWorkspace.weekly.replacingOccurrences(of: "mode: merge", with: "mode: merge, null_watermark: reject")) }) { base, variant in
            #expect(base.cell("memo", rec: 38) == "时间为空的改动", "changed: an empty watermark reads as changed")
            #expect(variant.cell("memo", rec: 38) != "时间为空的改动", "reject: the row is left out of the read")
        },
        Probe(["source.incremental.reconcile", "source.incremental.reconcile.every"],
              before: { $0.incremental(second: false) }, baseChange: { $0.incremental(second: true) },
              { $0.incremental(second: true, KeysWorkspace.weekly.replacingOccurrences(of: "每周", with: "run")) }) { base, variant in
            #expect(base.cell("memo", rec: 35) == "联系我们", "每周: not due right after the first full read")
            #expect(variant.cell("memo", rec: 35) == "未标记的改动", "run: reconciliation finds the late write")
            #expect(variant.cell("rec_id", rec: 37) == nil)
        },
    ]
}

extension KeysTable {
    init(records: [[String]]) { self.records = records }
}
