import Foundation
import ODPCore
import ODPDemoData
import ODPPipeline
import ODPRelease
import Testing

/// The base workspace's CSV as a `DemoTable`, so the demo's writers can turn it into the
/// other source formats.
struct KeysTable: DemoTable {
    let name = "keys_table"
    let records: [[String]]
    var columns: [String] { records[0] }
    var rowCount: Int { records.count - 1 }
    func row(_ index: Int) -> [String?] { records[index + 1].map { $0.isEmpty ? nil : $0 } }
    init(_ csv: String) { records = CSVText.parse(csv) }

    /// Bytes of `write(url)` written to a temporary file.
    static func bytes(_ write: (URL) throws -> Void) -> Data {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("odp-keys-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: url) }
        try? write(url)
        return (try? Data(contentsOf: url)) ?? Data()
    }
}

extension KeysRun {
    /// Every published text that carries catalog metadata.
    var metadataText: String {
        (["datapackage.json", "release.json", "README.md"].map(text) + ["open-list.json", "dcat.jsonld", "open-list.csv"].map(catalog))
            .joined(separator: "\n").replacingOccurrences(of: "\\/", with: "/")
    }

    func datapackageField(_ name: String) -> [String: Any] {
        let resources = (json("datapackage.json")["resources"] as? [[String: Any]]) ?? []
        let fields = resources.compactMap { ($0["schema"] as? [String: Any])?["fields"] as? [[String: Any]] }.flatMap { $0 }
        return fields.first { $0["name"] as? String == name } ?? [:]
    }

    var publishedFiles: [String] {
        let dir = output.appendingPathComponent("published")
        return (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String]) ?? []
    }
}

extension DocumentedKeysTests {
    // MARK: - Assertions on the base run

    static let checks: [Check] = [
        Check(["odp.output", "odp.datasets", "id", "source", "source.type", "source.type.csv", "source.path"]) { run in
            #expect(run.status == .published, "\(run.reasons) \(run.outcome?.error ?? "")")
            #expect(run.outcome?.rowsRead == 40)
            #expect(run.release?.path.contains("/out/releases/keys/") == true)
        },
        Check(["odp.publisher"]) { run in
            #expect(run.catalog("dcat.jsonld").contains("键值测试市大数据局"))
        },
        Check(["odp.public_base_url"]) { run in
            let dcat = run.catalog("dcat.jsonld").replacingOccurrences(of: "\\/", with: "/")
            #expect(dcat.contains("https://opendata.keys-test.example/odp/"), "no download URL under public_base_url")
        },
        Check(["odp.code_tables", "odp.code_tables.*", "odp.code_tables.*.path", "fields[].code_table"]) { run in
            // Row 5's region code 999999 is not a GB/T 2260 code.
            #expect(run.problems.contains { $0.line == "6" && $0.field == "region_code" }, "\(run.problems)")
            #expect(!run.problems.contains { $0.line == "2" && $0.field == "region_code" })
        },
        Check(["odp.code_tables.*.history", "rule.field.code_table", "rule.field.code_table.table", "rule.field.code_table.as_of_field",
               "fields[].rules", "fields[].rules[].type"]) { run in
            // 350182 (长乐市, 1994–2017): valid in row 6 (registered 2010), not in row 7 (2019).
            #expect(run.rejected(row: 7, rule: "code_table"), "\(run.problems)")
            #expect(!run.rejected(row: 6, rule: "code_table"))
        },
        Check(["odp.keys", "odp.keys.pseudonym", "odp.keys.pseudonym.id"]) { run in
            #expect(run.json("privacy-report.json")["pseudonym_key_id"] as? String == "key-keys-1")
        },
        Check(["odp.keys.signing", "odp.keys.signing.secret"]) { run in
            let release = try #require(run.release)
            #expect(FileManager.default.fileExists(atPath: release.appendingPathComponent("SHA256SUMS.sig").path))
            let seed = try #require(ReleaseSigning.parseKey(KeysWorkspace.signingSeed))
            let key = try #require(ReleaseSigning.parsePublicKey(try ReleaseSigning.publicKey(seed: seed)))
            #expect(try ReleaseVerifier.verify(path: release, publicKey: key).signature == .valid)
            let other = try #require(ReleaseSigning.parsePublicKey(try ReleaseSigning.publicKey(seed: Array(repeating: 7, count: 32))))
            #expect(try ReleaseVerifier.verify(path: release, publicKey: other).signature == .invalid)
        },
        Check(["odp.targets", "odp.targets[].name", "odp.targets[].type", "odp.targets[].path", "target.dir.path", "target.*.name"]) { run in
            let version = try #require(run.outcome?.version)
            #expect(run.publishedFiles.contains { $0.hasSuffix("\(version)/SHA256SUMS.sig") || $0.hasSuffix("\(version)/SHA256SUMS") }, "\(run.publishedFiles)")
            let store = try FileStateStore(directory: run.output.appendingPathComponent("state"))
            let receipts = store.journaledDatasets().flatMap { store.receipts(dataset: $0) }
            #expect(!receipts.isEmpty && receipts.allSatisfy { $0.target == "local-drop" }, "receipts name the target")
        },
        Check(["catalog", "catalog.title", "catalog.code", "catalog.provider", "catalog.provider_code", "catalog.summary", "catalog.domain",
               "catalog.open_type", "catalog.open_condition", "catalog.update_cycle", "catalog.keywords", "catalog.license", "catalog.contact",
               "catalog.contact.name", "catalog.contact.email", "catalog.contact.phone", "catalog.temporal", "catalog.temporal.start",
               "catalog.temporal.end"]) { run in
            let text = run.metadataText
            for (key, value) in [("title", "键值覆盖测试登记表"), ("code", "350100-KEYS-00010"), ("provider", "键值测试市市场监督管理局"),
                                 ("provider_code", "11350100MB1995472L"), ("summary", "用于检验每个文档键都有效果的登记表。"), ("domain", "键值测试领域"),
                                 ("open_type", "有条件开放"), ("open_condition", "仅限键值测试用途"), ("update_cycle", "每季度"),
                                 ("keywords", "键值关键字乙"), ("license", "CC-BY-SA-4.0"), ("contact.name", "键值联系人"),
                                 ("contact.email", "keys@example.gov.cn"), ("contact.phone", "0591-87000001"),
                                 ("temporal.start", "2008-01-01"), ("temporal.end", "2026-11-20")] {
                #expect(text.contains(value), "catalog.\(key) (`\(value)`) appears in no published metadata")
            }
        },
        Check(["approval"]) { run in #expect(run.status == .published) },
        Check(["primary_key"]) { run in
            // Row 28 repeats row 29's rec_id.
            #expect(run.problems.contains { ["29", "30"].contains($0.line) && $0.rule == "primary_key" }, "\(run.problems)")
        },
        Check(["fields", "fields[].name", "fields[].title", "fields[].type", "fields[].class", "fields[].source"]) { run in
            #expect(run.cell("uscc", rec: 1) == KeysWorkspace.row(1)[1], "uscc read from its `source:` column 统一社会信用代码")
            #expect(run.datapackageField("rec_id")["title"] as? String == "记录号")
            #expect(run.datapackageField("rec_id")["type"] as? String == "integer")
            #expect(run.json("privacy-report.json").description.contains("area"), "quasi fields are named in the privacy report")
        },
        Check(["fields[].scale"]) { run in #expect(run.cell("capital", rec: 1) == "10.50") },
        Check(["fields[].unit", "fields[].description"]) { run in
            let description = run.datapackageField("capital")["description"] as? String
            #expect(description == "键值登记的资金数额说明（单位：键值万元）", "\(description ?? "nil")")
        },
        Check(["fields[].format"]) { run in
            // 19610210 read with YYYYMMDD, then generalized to year_month.
            #expect(run.cell("birth", rec: 1) == "1961-02")
        },
        Check(["fields[].rules[].value", "rule.field.min", "rule.field.min.value"]) { run in
            #expect(run.rejected(row: 9, rule: "min"), "\(run.problems)")
        },
        Check(["rule.field.max", "rule.field.max.value"]) { run in #expect(run.rejected(row: 11, rule: "max")) },
        Check(["rule.field.required"]) { run in #expect(run.rejected(row: 2, rule: "required")) },
        Check(["rule.field.unique"]) { run in #expect(run.rejected(row: 4, rule: "unique") || run.rejected(row: 3, rule: "unique")) },
        Check(["rule.field.length", "rule.field.length.min", "rule.field.length.max"]) { run in #expect(run.rejected(row: 14, rule: "length")) },
        Check(["rule.field.pattern", "rule.field.pattern.pattern"]) { run in #expect(run.rejected(row: 13, rule: "pattern")) },
        Check(["rule.field.enum", "rule.field.enum.values"]) { run in #expect(run.rejected(row: 12, rule: "enum")) },
        Check(["rule.field.gb11643"]) { run in #expect(run.rejected(row: 15, rule: "gb11643")) },
        Check(["rule.field.gb32100"]) { run in #expect(run.rejected(row: 16, rule: "gb32100")) },
        Check(["rule.field.gb11714"]) { run in #expect(run.rejected(row: 17, rule: "gb11714")) },
        Check(["rule.field.luhn"]) { run in #expect(run.rejected(row: 18, rule: "luhn")) },
        Check(["rule.field.date_range", "rule.field.date_range.not_future", "rule.*.message"]) { run in
            #expect(run.rejected(row: 19, rule: "date_range"))
            #expect(run.rules("date_range").contains { $0["description"] as? String == "登记日期晚于运行日期" })
        },
        Check(["rule.field.date_range.not_before", "rule.field.date_range.not_after", "rule.*.severity", "rule.*.warn", "rule.*.dimension"]) { run in
            // Severity warn: rows 7 (2019), 19 (2099), 21 and 22 are counted under 时效性; 21 and 22 are not rejected.
            let entry = try #require(run.rules("date_range").first { $0["description"] as? String == "登记日期超出范围" })
            #expect(entry["failed"] as? Int == 4 && entry["severity"] as? String == "warn" && entry["dimension"] as? String == "时效性")
            #expect(run.cell("reg_date", rec: 21) == "1999" && run.cell("reg_date", rec: 22) == "2019")
        },
        Check(["rule.*.reject"]) { run in #expect(run.cell("capital", rec: 9) == nil, "a rejected row is left out") },
        Check(["rule.row.expression", "rule.row.expression.expression", "rule.row.expression.and", "rule.row.expression.or",
               "rule.row.expression.not"]) { run in #expect(run.rejected(row: 23, rule: "expression")) },
        Check(["rule.row.id_birth_matches", "rule.row.id_birth_matches.id", "rule.row.id_birth_matches.birth_date"]) { run in #expect(run.rejected(row: 24, rule: "id_birth_matches")) },
        Check(["rule.row.id_sex_matches", "rule.row.id_sex_matches.id", "rule.row.id_sex_matches.sex"]) { run in #expect(run.rejected(row: 25, rule: "id_sex_matches")) },
        Check(["rule.row.region_matches_address", "rule.row.region_matches_address.region", "rule.row.region_matches_address.address"]) { run in #expect(run.rejected(row: 8, rule: "region_matches_address")) },
        Check(["rules", "rules[].type", "rules[].severity", "rule.table.row_count", "rule.table.row_count.max"]) { run in
            #expect(run.failed("row_count") == 1 && run.rules("row_count").first?["severity"] as? String == "warn")
        },
        Check(["rule.table.duplicate_rows"]) { run in #expect(run.failed("duplicate_rows") == 1) },
        Check(["rule.table.duplicate_keys", "rule.table.duplicate_keys.fields"]) { run in #expect(run.failed("duplicate_keys") > 0) },
        Check(["rule.table.completeness", "rule.table.completeness.fields", "rule.table.completeness.min"]) { run in
            #expect(run.failed("completeness") == 1)
        },
        Check(["rule.table.sum_equals", "rule.table.sum_equals.field", "rule.table.sum_equals.total"]) { run in
            #expect(run.failed("sum_equals") == 1, "the sum of part_a is not 1")
        },
        // Operators.
        Check(["fields[].desensitize", "fields[].desensitize.op", "fields[].desensitize.keep_first", "fields[].desensitize.keep_last",
               "desensitize.mask", "desensitize.mask.keep_first", "desensitize.mask.keep_last", "desensitize.mask.char"]) { run in
            #expect(run.cell("operator_name", rec: 1) == "李##")
        },
        Check(["desensitize.mask_embedded", "desensitize.mask_embedded.fields", "desensitize.mask_embedded.char"]) { run in
            #expect(run.cell("shop", rec: 26) == "宁阳县付○理发店")
            #expect(run.cell("operator_name", rec: 26) == "付#")
        },
        Check(["desensitize.pseudonym", "desensitize.pseudonym.prefix", "desensitize.pseudonym.bytes", "desensitize.pseudonym.keys.pseudonym"]) { run in
            let value = try #require(run.cell("person_id", rec: 1))
            #expect(value.hasPrefix("Q") && value.count == 1 + 16 && value.dropFirst().allSatisfy { "bcdfghjkmnprstvz".contains($0) }, "\(value)")
        },
        Check(["desensitize.generalize", "desensitize.generalize.to", "desensitize.generalize.year_month"]) { run in
            #expect(run.cell("birth", rec: 3) == "1963-04")
        },
        Check(["desensitize.generalize.year"]) { run in #expect(run.cell("reg_date", rec: 1) == "2012") },
        Check(["desensitize.generalize.region", "desensitize.generalize.region_level", "desensitize.generalize.city",
               "desensitize.generalize.name"]) { run in
            #expect(run.cell("old_region", rec: 1) == "福州市", "\(run.cell("old_region", rec: 1) ?? "nil")")
        },
        Check(["desensitize.generalize.district"]) { run in #expect(run.cell("address", rec: 1) == "福建省福州市鼓楼区") },
        Check(["desensitize.round", "desensitize.round.to"]) { run in #expect(run.cell("amount", rec: 1) == "1000") },
        Check(["desensitize.round.digits"]) { run in #expect(run.cell("price", rec: 1) == "3.14") },
        Check(["desensitize.suppress", "desensitize.suppress.when", "desensitize.suppress.field", "desensitize.suppress.equals"]) { run in
            #expect(run.cell("closed_note", rec: 20) == "" && run.cell("closed_note", rec: 1) == "备注1")
        },
        Check(["desensitize.suppress.in"]) { run in #expect(run.cell("closed_note2", rec: 20) == "" && run.cell("closed_note2", rec: 1) == "说明1") },
        Check(["desensitize.suppress.when_count_below"]) { run in
            #expect(run.cell("category", rec: 20) == "" && run.cell("category", rec: 1) == "A")
        },
        Check(["desensitize.replace", "desensitize.replace.value"]) { run in #expect(run.cell("card", rec: 1) == "已登记账号") },
        Check(["desensitize.redact", "desensitize.redact.marker"]) { run in #expect(run.cell("memo", rec: 10) == "请联系[屏蔽]") },
        Check(["desensitize.drop"]) { run in
            #expect(run.rows.first?.keys.contains("internal") == false)
            #expect(run.rows.first?.keys.contains("rec_id") == true)
        },
        Check(["privacy", "privacy.redact_marker"]) { run in #expect(run.cell("memo2", rec: 10) == "电话[隐去]") },
        Check(["privacy.k_anonymity", "privacy.k_anonymity.k", "privacy.k"]) { run in
            // Row 27 is the only 马尾区 record: a class of one.
            #expect(run.cell("rec_id", rec: 27) == nil && run.cell("rec_id", rec: 33) == "33")
        },
        Check(["fields[].allow", "fields[].allow[].kind", "fields[].allow[].reason", "allow.kind.landline"]) { run in
            #expect(run.cell("reg_authority", rec: 1) == "福州市市场监督管理局 0591-83330000")
            // The hit is counted as allowed, with the stated reason, in the privacy report.
            let entries = ((run.json("privacy-report.json").values.compactMap { $0 as? [[String: Any]] }).flatMap { $0 })
                + (run.json("privacy-report.json").values.compactMap { $0 as? [String: Any] }.flatMap { $0.values.compactMap { $0 as? [[String: Any]] } }.flatMap { $0 })
            #expect(entries.contains { $0["field"] as? String == "reg_authority" && $0["kind"] as? String == "landline"
                && $0["allowed"] as? Bool == true && $0["reason"] as? String == "登记机关对外公布的办公电话" }, "\(run.json("privacy-report.json"))")
        },
        Check(["screens", "screens.heaping", "screens.heaping.fields", "screens.fields"]) { run in
            #expect(!run.rules("screen_heaping", field: "capital").isEmpty, "\(run.json("quality-report.json")["rules"] ?? "")")
        },
        Check(["screens.outliers", "screens.method", "screens.iqr"]) { run in #expect(!run.rules("screen_outliers", field: "amount").isEmpty) },
        Check(["screens.constant"]) { run in #expect(!run.rules("screen_constant", field: "memo2").isEmpty) },
        Check(["screens.sequential"]) { run in #expect(!run.rules("screen_sequential", field: "rec_id").isEmpty) },
        Check(["screens.benford"]) { run in #expect(!run.rules("screen_benford", field: "amount").isEmpty) },
        Check(["gate", "gate.max_reject_share"]) { run in
            #expect(run.json("quality-report.json")["gate"].flatMap { ($0 as? [String: Any])?["max_reject_share"] as? Double } == 0.9)
        },
        Check(["release", "release.formats"]) { run in #expect(run.data("data/keys.json") != nil) },
    ]
}
