import Foundation
import ODPCore
import ODPPipeline
import ODPRelease
import Testing

/// The self-contained workspace `DocumentedKeysTests` runs: one `odp.yml`, one dataset
/// (`keys`) that uses every documented key at once, and its CSV of 40 rows with one planted
/// defect per rule. A probe edits the text (one key) and runs it again.
struct KeysWorkspace: Sendable {
    static let id = "keys"
    static let signingSeed = String(repeating: "5a17", count: 16)

    var odp: String
    var dataset: String
    var csv: String
    /// Written as the CSV's bytes when set (other encodings), instead of `csv` in UTF-8.
    var csvBytes: Data?
    /// Other files of the workspace (path under its root → bytes), e.g. another source format.
    var files: [String: Data] = [:]

    /// Replaces `old` (which must occur exactly once) in the dataset definition.
    mutating func edit(_ old: String, _ new: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        Self.replace(&dataset, old, new, sourceLocation)
    }

    mutating func editODP(_ old: String, _ new: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        Self.replace(&odp, old, new, sourceLocation)
    }

    /// Replaces a whole CSV line (data row `i`, 1-based; 0 is the header).
    mutating func editRow(_ i: Int, _ transform: (String) -> String) {
        var lines = csv.components(separatedBy: "\n")
        lines[i] = transform(lines[i])
        csv = lines.joined(separator: "\n")
    }

    static func replace(_ text: inout String, _ old: String, _ new: String, _ location: Testing.SourceLocation) {
        let count = text.components(separatedBy: old).count - 1
        #expect(count == 1, "`\(old)` occurs \(count) times in the definition", sourceLocation: location)
        text = text.replacingOccurrences(of: old, with: new)
    }

    // MARK: - The base workspace

    static let names = ["张三丰", "李四光", "王五常", "赵六合", "陈七星", "刘八方", "杨九成", "黄十全"]

    /// Data row `i` (1…40), clean unless a defect is planted in that row.
    static func row(_ i: Int) -> [String] {
        let male = i % 2 == 1
        let birth = String(format: "%04d%02d%02d", 1960 + i, i % 12 + 1, 10)
        let id17 = "350102" + birth + String(format: "%02d", i % 100) + (male ? "1" : "2")
        let idNumber = id17 + String(Checksums.gb11643CheckCharacter(id17)!)
        let uscc17 = "9135010000000" + String(format: "%04d", i)
        let uscc = uscc17 + String(Checksums.gb32100CheckCharacter(uscc17)!)
        let org8 = String(format: "%08d", 10_000_000 + i)
        let org = org8 + String(UnicodeScalar(Checksums.gb11714CheckCharacter(Array(org8.utf8)[...])!))
        let card15 = "622202" + String(format: "%09d", i)
        let card = card15 + String(luhnDigit(card15))
        let operatorName = names[i % names.count]
        let district = i % 3 == 0 ? "台江区" : "鼓楼区"
        let region = i % 3 == 0 ? "350103" : "350102"
        let status = i % 4 == 0 ? "注销" : "在营"
        let capital = String(format: "%d.5", 10 * i)
        return [
            "\(i)", uscc, org, card, operatorName, "\(district)小店\(i)号", idNumber, male ? "男" : "女", birth, birth,
            String(format: "2012-%02d-15", i % 12 + 1), region, "350102", "福建省福州市\(district)五四路\(i)号", district, capital,
            "\(1000 + 37 * i)", "3.14159", "\(10 * i % 95)", status, "备注\(i)", "说明\(i)", i == 20 ? "Z" : "A",
            i % 2 == 0 ? "" : "联系我们", "", "内部\(i)", "福州市市场监督管理局 0591-83330000", String(format: "350%03d", i),
            "\(i)", "\(i)", ["甲", "乙", "丙"][i % 7 % 3],
        ]
    }

    static let header = [
        "rec_id", "统一社会信用代码", "org_code", "card", "operator_name", "shop", "person_id", "sex", "birth", "born",
        "reg_date", "region_code", "old_region", "address", "area", "capital",
        "amount", "price", "employees", "status", "closed_note", "closed_note2", "category",
        "memo", "memo2", "internal", "reg_authority", "zip",
        "part_a", "part_b", "grade",
    ]

    static func luhnDigit(_ digits: String) -> Int {
        var sum = 0
        for (n, c) in digits.reversed().enumerated() {
            var d = Int(String(c))!
            if n % 2 == 0 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return (10 - sum % 10) % 10
    }

    /// Planted defects: data row → (column, value). Each rule's probe names its row.
    static let planted: [Int: [(String, String)]] = [
        2: [("统一社会信用代码", "")],                                   // required
        3: [("统一社会信用代码", row(4)[1])],                             // unique (same as row 4)
        5: [("region_code", "999999")],                                 // code field: not in gb2260
        6: [("old_region", "350182"), ("reg_date", "2010-06-15")],      // 长乐市, in use 1994–2017: valid as of 2010
        7: [("old_region", "350182"), ("reg_date", "2019-06-15")],      // …but not as of 2019
        8: [("region_code", "350103")],                                 // region_matches_address: 台江区 vs 鼓楼区 address
        9: [("capital", "-5")],                                         // min 0
        10: [("memo", "请联系13912345678"), ("memo2", "电话13912345678")],  // redact
        11: [("employees", "5000")],                                    // max 1000; range top
        12: [("status", "歇业")],                                        // enum
        13: [("zip", "35A001")],                                        // pattern
        14: [("shop", String(repeating: "长", count: 40))],              // length max 30
        15: [("person_id", corrupt(row(15)[6]))],                       // gb11643 check digit
        16: [("统一社会信用代码", corrupt(row(16)[1]))],                    // gb32100 check digit
        17: [("org_code", corrupt(row(17)[2]))],                         // gb11714 check digit
        18: [("card", corrupt(row(18)[3]))],                            // luhn
        19: [("reg_date", "2099-01-15")],                               // date_range not_future
        21: [("reg_date", "1999-01-15")],                               // date_range not_before 2000-01-01
        22: [("reg_date", "2019-03-15")],                               // date_range not_after 2016-12-31
        23: [("part_a", "-1"), ("part_b", "-1")],                       // expression
        24: [("birth", "19990101")],                                    // id_birth_matches
        25: [("sex", "女")],                                             // id_sex_matches (row 25 is male)
        26: [("operator_name", "付强"), ("shop", "宁阳县付强理发店")],      // mask_embedded
        27: [("area", "马尾区"), ("sex", "男")],                          // k-anonymity: the one 马尾区 record
        28: [("rec_id", "29")],                                         // primary_key (row 29 has rec_id 29)
        31: [("employees", "-3")],                                      // range bottom 0
    ]

    /// The same code with another check character (digits shifted by one, a letter → 0).
    static func corrupt(_ code: String) -> String {
        let last = code.last!
        let replacement = last.wholeNumberValue.map { String(($0 + 1) % 10) } ?? "0"
        return String(code.dropLast()) + replacement
    }

    static func csvText() -> String {
        var lines = [header.joined(separator: ",")]
        for i in 1...40 {
            var cells = row(i)
            for (column, value) in planted[i] ?? [] { cells[header.firstIndex(of: column)!] = value }
            lines.append(cells.joined(separator: ","))
        }
        lines[40] = lines[39]  // duplicate_rows: row 40 repeats row 39 exactly
        return lines.joined(separator: "\n") + "\n"
    }

    static let odpText = """
        output: out
        publisher: 键值测试市大数据局
        public_base_url: https://opendata.keys-test.example/odp
        datasets:
          - defs/*.yml
        code_tables:
          gb2260:
            path: codes/gb2260-2024.txt
            history: codes/gb2260-history.csv
        keys:
          pseudonym:
            id: key-keys-1
            secret: file:secrets/pseudonym.key
          signing:
            secret: file:secrets/signing.key
        targets:
          - name: local-drop
            type: dir
            path: out/published

        """

    static let datasetText = """
        id: keys
        catalog:
          title: 键值覆盖测试登记表
          code: 350100-KEYS-00010
          provider: 键值测试市市场监督管理局
          provider_code: 11350100MB1995472L
          summary: 用于检验每个文档键都有效果的登记表。
          domain: 键值测试领域
          open_type: 有条件开放
          open_condition: 仅限键值测试用途
          update_cycle: 每季度
          keywords: [键值关键字甲, 键值关键字乙]
          license: CC-BY-SA-4.0
          contact: {name: 键值联系人, email: keys@example.gov.cn, phone: 0591-87000001}
          temporal: {start: "2008-01-01", end: "2026-11-20"}
        approval: none
        source:
          type: csv
          path: ../data/keys.csv
          on_error: reject
        release:
          csv_bom: false
          formats: [csv, json]
        primary_key: [rec_id]
        fields:
          - {name: rec_id, title: 记录号, type: integer, class: public}
          - name: uscc
            title: 统一社会信用代码
            type: string
            class: public
            source: 统一社会信用代码
            rules: [required, unique, gb32100]
          - {name: org_code, title: 组织机构代码, type: string, class: public, rules: [gb11714]}
          - {name: card, title: 银行账号, type: string, class: public, rules: [luhn], desensitize: {op: replace, value: 已登记账号}}
          - {name: operator_name, title: 经营者姓名, type: string, class: direct, desensitize: {op: mask, keep_first: 1, keep_last: 0, char: "#"}}
          - {name: shop, title: 店名, type: string, class: public, rules: [{type: length, min: 2, max: 30}], desensitize: {op: mask_embedded, fields: [operator_name], char: "○"}}
          - {name: person_id, title: 身份证号, type: string, class: direct, rules: [gb11643], desensitize: {op: pseudonym, prefix: Q, bytes: 8}}
          - {name: sex, title: 性别, type: string, class: quasi}
          - {name: birth, title: 出生日期, type: date, format: YYYYMMDD, class: public, desensitize: {op: generalize, to: year_month}}
          - {name: born, title: 出生日期二, type: date, format: YYYYMMDD, class: public, desensitize: {op: generalize, to: age_band, width: 10, top: 60}}
          - name: reg_date
            title: 登记日期
            type: date
            class: public
            rules:
              - {type: date_range, not_future: true, message: 登记日期晚于运行日期}
              - {type: date_range, not_before: "2000-01-01", not_after: "2016-12-31", severity: warn, dimension: 时效性, message: 登记日期超出范围}
            desensitize: {op: generalize, to: year}
          - {name: region_code, title: 行政区划代码, type: code, code_table: gb2260, class: public}
          - {name: old_region, title: 原区划代码, type: string, class: public, rules: [{type: code_table, table: gb2260, as_of_field: reg_date}], desensitize: {op: generalize, to: region, region_level: city, name: true}}
          - {name: address, title: 地址, type: string, class: public, desensitize: {op: generalize, to: district}}
          - {name: area, title: 所属区县, type: string, class: quasi}
          - {name: capital, title: 资金数额, type: number, scale: 2, unit: 键值万元, description: 键值登记的资金数额说明, class: public, rules: [{type: min, value: 0}]}
          - {name: amount, title: 金额, type: number, class: public, desensitize: {op: round, to: 100}}
          - {name: price, title: 单价, type: number, class: public, desensitize: {op: round, digits: 2}}
          - {name: employees, title: 从业人数, type: integer, class: public, rules: [{type: max, value: 1000}], desensitize: {op: generalize, to: range, width: 10, top: 50, bottom: 0}}
          - {name: status, title: 状态, type: string, class: public, rules: [{type: enum, values: [在营, 注销]}]}
          - {name: closed_note, title: 注销说明, type: string, class: public, desensitize: {op: suppress, when: {field: status, equals: 注销}}}
          - {name: closed_note2, title: 注销说明二, type: string, class: public, desensitize: {op: suppress, when: {field: status, in: [注销]}}}
          - {name: category, title: 类别, type: string, class: public, desensitize: {op: suppress, when_count_below: 3}}
          - {name: memo, title: 备注, type: string, class: public, desensitize: {op: redact, marker: "[屏蔽]"}}
          - {name: memo2, title: 备注二, type: string, class: public, desensitize: {op: redact}}
          - {name: internal, title: 内部编号, type: string, class: public, desensitize: {op: drop}}
          - name: reg_authority
            title: 登记机关
            type: string
            class: public
            allow:
              - {kind: landline, reason: 登记机关对外公布的办公电话}
          - {name: zip, title: 邮编, type: string, class: public, rules: [{type: pattern, pattern: "[0-9]{6}"}]}
          - {name: part_a, title: 甲数, type: integer, class: public}
          - {name: part_b, title: 乙数, type: integer, class: public}
          - {name: grade, title: 等级, type: string, class: sensitive}
        privacy: {k_anonymity: {k: 2, max_suppression: 0.08}, l_diversity: {l: 2}, redact_marker: "[隐去]"}
        rules:
          - {type: expression, expression: "(part_a >= 0 and part_b >= 0) or not (rec_id > 0)"}
          - {type: id_birth_matches, id: person_id, birth_date: birth}
          - {type: id_sex_matches, id: person_id, sex: sex}
          - {type: region_matches_address, region: region_code, address: address}
          - {type: row_count, min: 1, max: 10, severity: warn}
          - {type: duplicate_rows, severity: warn}
          - {type: duplicate_keys, fields: [sex, area], severity: warn}
          - {type: completeness, fields: [memo2], min: 0.9, severity: warn}
          - {type: sum_equals, field: part_a, total: 1, severity: warn}
        compare: {row_count_change: 0.9, null_rate_change: 0.9, mean_change: 9, sum_change: 9, severity: warn}
        screens: {heaping: {fields: [capital]}, outliers: {fields: [amount], method: iqr}, constant: {fields: [memo2]}, sequential: {fields: [rec_id]}, benford: {fields: [amount]}}
        gate: {max_reject_share: 0.9, allow_empty: false}

        """

    static let base = KeysWorkspace(odp: odpText, dataset: datasetText, csv: csvText())

    // MARK: - Running

    /// Writes the workspace into a new temporary folder and runs it in-process, after
    /// `previous` (for keys that need a previous release). `@NEXT_VERSION@` in a definition
    /// becomes the version after the last one released so far, `@RELEASED_VERSION@` that one.
    func run(after previous: KeysWorkspace? = nil) throws -> KeysRun {
        try Self.run(previous.map { [$0, self] } ?? [self]).last!
    }

    static func run(_ steps: [KeysWorkspace]) throws -> [KeysRun] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-keys-\(UUID().uuidString.prefix(8))")
        let fm = FileManager.default
        for dir in ["defs", "data", "codes", "secrets"] {
            try fm.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        for file in ["gb2260-2024.txt", "gb2260-history.csv"] {
            try fm.copyItem(at: DemoFixture.repository.appendingPathComponent("pipelines/codes/\(file)"), to: root.appendingPathComponent("codes/\(file)"))
        }
        try "键值测试用的假名密钥-0001".write(to: root.appendingPathComponent("secrets/pseudonym.key"), atomically: true, encoding: .utf8)
        try Self.signingSeed.write(to: root.appendingPathComponent("secrets/signing.key"), atomically: true, encoding: .utf8)
        var runs: [KeysRun] = []
        var released: String?
        // One clock for the steps, a second apart: a schedule (`reconcile: {every: 每周}`)
        // must not see a calendar period turn between them.
        let started = Date()
        for (index, step) in steps.enumerated() {
            var next = "@NEXT_VERSION@"
            if let released, let dot = released.lastIndex(of: "."), let n = Int(released[released.index(after: dot)...]) {
                next = String(released[..<dot]) + ".\(n + 1)"
            }
            try step.odp.write(to: root.appendingPathComponent("odp.yml"), atomically: true, encoding: .utf8)
            try step.dataset.replacingOccurrences(of: "@NEXT_VERSION@", with: next).replacingOccurrences(of: "@RELEASED_VERSION@", with: released ?? "")
                .write(to: root.appendingPathComponent("defs/keys.yml"), atomically: true, encoding: .utf8)
            try (step.csvBytes ?? Data(step.csv.utf8)).write(to: root.appendingPathComponent("data/keys.csv"))
            for (path, bytes) in step.files { try bytes.write(to: root.appendingPathComponent(path)) }
            let workspace = try Workspace.load(configPath: root.appendingPathComponent("odp.yml").path)
            if !workspace.errors.isEmpty {
                runs.append(KeysRun(root: root, errors: workspace.errors.map(\.description), outcome: nil))
                continue
            }
            let summary = try PipelineRunner(workspace: workspace, options: RunOptions(runTime: started.addingTimeInterval(Double(index))), log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
            let outcome = summary.outcomes.first { $0.dataset == id }
            if outcome?.status == .published, let version = outcome?.version { released = version }
            runs.append(KeysRun(root: root, errors: [], outcome: outcome))
        }
        return runs
    }
}

/// What one run left behind, read the way a user would read it.
struct KeysRun: Sendable {
    let root: URL
    let errors: [String]
    let outcome: DatasetOutcome?

    var output: URL { root.appendingPathComponent("out") }
    func remove() { try? FileManager.default.removeItem(at: root) }
    var status: DatasetOutcome.Status? { outcome?.status }
    var reasons: [String] { outcome?.reasons ?? [] }

    /// The release folder of this run's version (published or held).
    var release: URL? {
        guard let version = outcome?.version else { return nil }
        for folder in ["releases", "held", "pending"] {
            let url = output.appendingPathComponent("\(folder)/\(KeysWorkspace.id)/\(version)")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        // Awaiting approval and other layouts: the first folder holding the version.
        let e = FileManager.default.enumerator(at: output, includingPropertiesForKeys: nil)
        while let url = e?.nextObject() as? URL {
            if url.lastPathComponent == version, url.deletingLastPathComponent().lastPathComponent == KeysWorkspace.id { return url }
        }
        return nil
    }

    func data(_ path: String) -> Data? { release.flatMap { try? Data(contentsOf: $0.appendingPathComponent(path)) } }
    func text(_ path: String) -> String { data(path).flatMap { String(data: $0, encoding: .utf8) } ?? "" }
    func json(_ path: String) -> [String: Any] {
        data(path).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
    }
    func catalog(_ file: String) -> String {
        (try? String(contentsOf: output.appendingPathComponent("catalog/\(file)"), encoding: .utf8)) ?? ""
    }

    /// The released CSV as rows keyed by column name.
    var rows: [[String: String]] {
        var text = self.text("data/\(KeysWorkspace.id).csv")
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let records = CSVText.parse(text)
        guard let header = records.first else { return [] }
        return records.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { a, _ in a }) }
    }

    /// The released value of `field` in the row whose `rec_id` is `id`.
    func cell(_ field: String, rec id: Int) -> String? {
        rows.first { $0["rec_id"] == "\(id)" }?[field]
    }

    /// Every rule's entry in `quality-report.json` of one type (and field).
    func rules(_ type: String, field: String? = nil) -> [[String: Any]] {
        ((json("quality-report.json")["rules"] as? [[String: Any]]) ?? []).filter {
            $0["type"] as? String == type && (field == nil || $0["field"] as? String == field)
        }
    }

    func failed(_ type: String, field: String? = nil) -> Int {
        rules(type, field: field).reduce(0) { $0 + (($1["failed"] as? Int) ?? 0) }
    }

    /// The department's feedback list: (source line, field, rule) per entry.
    var problems: [(line: String, field: String, rule: String)] {
        let url = output.appendingPathComponent("state/feedback/\(KeysWorkspace.id).csv")
        guard var text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return CSVText.parse(text).dropFirst().filter { $0.count >= 4 }.map { ($0[1], $0[2], $0[3]) }
    }

    /// Whether the feedback list names data row `i` (source line i + 1) for `rule`.
    func rejected(row i: Int, rule: String) -> Bool {
        problems.contains { $0.line == "\(i + 1)" && $0.rule == rule }
    }
}

/// A small RFC 4180 reader for the tests' own checks (independent of ODP's reader).
enum CSVText {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], cell = "", quoted = false, afterQuote = false
        var chars = Array(text).makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" { quoted = false; afterQuote = true } else { cell.append(c) }
                continue
            }
            switch c {
            case "\"": if afterQuote { cell.append("\"") }; quoted = true
            case ",": record.append(cell); cell = ""
            case "\n", "\r\n": record.append(cell); records.append(record); record = []; cell = ""
            case "\r": break
            default: cell.append(c)
            }
            afterQuote = false
        }
        if !cell.isEmpty || !record.isEmpty { record.append(cell); records.append(record) }
        return records
    }
}
