import Foundation
import ODPCore
import Testing
@testable import ODPCheck

/// Issue 22: truth checks a data officer needs (真实性), on hand-computed examples.
@Suite("Citizen ID options of gb11643")
struct CitizenIDOptionTests {
    func check(_ options: String, _ ids: [String], tables: [String: CodeTable] = [:]) throws -> (keep: [Bool], report: StageReport) {
        let d = Fixture.definition(fields: """
          - {name: id, title: 身份证号, type: string, class: direct, desensitize: {op: drop}, rules: [{type: gb11643\(options)}]}
        """)
        let (keep, report, _) = try Fixture.run(d, ids.map { [$0] }, context: Fixture.context(tables: tables))
        return (keep, report)
    }

    @Test("the parts of an 18- and a 15-digit number are read from the bytes")
    func parts() {
        func with<T>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { var s = s; return s.withUTF8(body) }
        let id = Fixture.citizenID(region: "350102", birth: "19491001", sequence: "002")
        #expect(with(id) { CitizenID.birth($0).map { [$0.year, $0.month, $0.day] } } == [1949, 10, 1])
        #expect(with(id) { CitizenID.sexCode($0) } == 2)  // 17th digit 2: even, a woman
        #expect(with(id) { CitizenID.region($0).map { String(decoding: $0, as: UTF8.self) } } == "350102")
        // 15 digits: YYMMDD of the 1900s, the 15th digit is the sex.
        #expect(with("350102491001003") { CitizenID.birth($0).map { [$0.year, $0.month, $0.day] } } == [1949, 10, 1])
        #expect(with("350102491001003") { CitizenID.sexCode($0) } == 1)
        #expect(with("350102490230003") { CitizenID.birth($0) } == nil, "30 February is not a date")
        #expect(with("350102200002290013") { CitizenID.birth($0).map { $0.day } } == 29, "2000 is a leap year")
        #expect(with("350102190002290013") { CitizenID.birth($0) } == nil, "1900 is not")
    }

    @Test("15-digit numbers are rejected unless allow_15_digit, and then only with a real birth date")
    func legacy() throws {
        let ids = ["350102491001003", "350102491301003", Fixture.citizenID(birth: "19800501", sequence: "123")]
        #expect(try check("", ids).keep == [false, false, true])
        #expect(try check(", allow_15_digit: true", ids).keep == [true, false, true])
    }

    @Test("check_birth: a real date, not after the run date (2026-11-23), age 0–120 or the configured range")
    func birth() throws {
        let ids = [
            Fixture.citizenID(birth: "19900515", sequence: "001"),  // 36
            Fixture.citizenID(birth: "20270101", sequence: "001"),  // after the run date
            Fixture.citizenID(birth: "19000101", sequence: "001"),  // 126
            Fixture.citizenID(birth: "19950230", sequence: "001"),  // 30 February, check digit valid
            Fixture.citizenID(birth: "19061123", sequence: "001"),  // 120 today
            Fixture.citizenID(birth: "19061124", sequence: "001"),  // 120 tomorrow: still 119
        ]
        let (keep, report) = try check(", check_birth: true", ids)
        #expect(keep == [true, false, false, false, true, true])
        #expect(Fixture.failed(report, type: "gb11643") == 3)
        #expect(Fixture.rules(report, type: "gb11643").contains { ($0["description"] as? String ?? "").contains("0–120 岁") })
        #expect(try check(", check_birth: true, min_age: 18, max_age: 60", ids).keep == [true, false, false, false, false, false])
    }

    @Test("check_region: the region code was still in use in the birth year (GB/T 2260 history)")
    func region() throws {
        let table = try Fixture.gb2260()
        let ids = [
            Fixture.citizenID(region: "350126", birth: "19900101", sequence: "011"),  // 长乐县, 1983–1994: born while in use
            Fixture.citizenID(region: "350126", birth: "19960101", sequence: "011"),  // abolished before birth
            Fixture.citizenID(region: "350102", birth: "19700101", sequence: "011"),  // 鼓楼区 since 1983, registered later
            Fixture.citizenID(region: "999999", birth: "19700101", sequence: "011"),  // never a code
        ]
        let (keep, report) = try check(", check_region: true", ids, tables: ["gb2260": table])
        #expect(keep == [true, false, true, false])
        #expect(Fixture.failed(report, type: "gb11643") == 2)
        // A wrong check digit is reported once, by the check-digit test, not again as a wrong region.
        var bad = ids[1]
        let last = bad.removeLast()
        bad += last == "1" ? "2" : "1"
        let once = try check(", check_region: true", [bad], tables: ["gb2260": table]).report
        #expect(Fixture.failed(once, type: "gb11643") == 1)
    }

    @Test("min_age without check_birth, and table without check_region, are definition errors")
    func misconfigured() {
        let d = Checker.validate(Fixture.definition(fields: """
          - {name: id, title: 身份证号, type: string, class: direct, desensitize: {op: drop}, rules: [{type: gb11643, max_age: 90, table: gb2260}]}
        """), config: nil)
        #expect(d.count == 2, "\(d)")
    }
}

@Suite("Functions in row expressions")
struct ExpressionFunctionTests {
    func keep(_ expression: String, _ rows: [[String?]], fields: String? = nil) throws -> [Bool] {
        let d = Fixture.definition(fields: fields ?? """
          - {name: id, title: 身份证号, type: string, class: direct, desensitize: {op: drop}}
          - {name: name, title: 名称, type: string, class: public}
          - {name: day, title: 日期, type: date, class: public}
        """, extra: "rules:\n  - {type: expression, expression: \"\(expression)\"}")
        return try Fixture.run(d, rows).keep
    }

    @Test("years_between counts completed years; a 29 February birthday comes on 1 March")
    func yearsBetween() throws {
        let row: [[String?]] = [[nil, "x", "2016-02-28"], [nil, "x", "2016-03-01"], [nil, "x", "1999-12-31"]]
        #expect(try keep("years_between(date('2000-02-29'), day) == 15", row) == [true, false, false])
        #expect(try keep("years_between(date('2000-02-29'), day) >= 16", row) == [false, true, false])
        #expect(try keep("years_between(date('2000-02-29'), day) == 0", row) == [false, false, true], "a date before the start is less than a year away")
        #expect(try keep("years_between(date('20000229', 'YYYYMMDD'), day) == 16", row) == [false, true, false])
    }

    @Test("text functions count characters, not bytes")
    func text() throws {
        let rows: [[String?]] = [[nil, "福建省福州市鼓楼区", nil], [nil, "北京市", nil]]
        #expect(try keep("substr(name, 4, 3) == '福州市'", rows) == [true, false])
        #expect(try keep("substr(name, 4) == '福州市鼓楼区'", rows) == [true, false])
        #expect(try keep("length(name) == 3", rows) == [false, true])
        #expect(try keep("starts_with(name, '福建')", rows) == [true, false])
        #expect(try keep("contains(name, '鼓楼') or contains(name, '京')", rows) == [true, true])
        #expect(try keep("not contains(name, '州')", rows) == [false, true])
    }

    @Test("id_birth, id_sex and id_region read an 18- or 15-digit ID; uscc_region reads characters 3–8")
    func identifiers() throws {
        let id = Fixture.citizenID(region: "350102", birth: "19800501", sequence: "123")  // 17th digit 3: a man
        let rows: [[String?]] = [[id, "350102", "1980-05-01"], ["350102800501124", "350102", "1980-05-01"], ["12345", "350102", "1980-05-01"]]
        #expect(try keep("id_birth(id) == day", rows) == [true, true, true], "an unreadable ID makes the result null: skipped")
        #expect(try keep("id_sex(id) == 1", rows) == [true, false, true])
        #expect(try keep("id_region(id) == name", rows) == [true, true, true])
        #expect(try keep("id_region(id) == '110105'", rows) == [false, false, true])
        let uscc = Fixture.uscc("92350203MA2Y7K3B1")
        #expect(try keep("uscc_region(id) == name", [[uscc, "350203", nil], [uscc, "350102", nil]]) == [true, false])
    }

    @Test("an unknown function, a wrong argument count or a bad date literal is a definition error at its column")
    func errors() {
        func diagnostics(_ expression: String) -> [Diagnostic] {
            Checker.validate(Fixture.definition(fields: "  - {name: day, title: 日期, type: date, class: public}",
                                                extra: "rules:\n  - {type: expression, expression: \"\(expression)\"}"), config: nil)
        }
        let unknown = diagnostics("year_between(day, day) > 1")
        #expect(unknown.count == 1)
        #expect(unknown.first?.message.contains("未知的函数（unknown function）`year_between`；是否应为 `years_between`？") == true, "\(unknown)")
        // `  - {type: expression, expression: "` is 36 characters: the name starts at column 37.
        #expect(unknown.first?.location.column == 37, "\(unknown)")
        #expect(unknown.first?.location.line == 18)
        let arity = diagnostics("years_between(day) > 1")
        #expect(arity.first?.message.contains("需要 2 个参数（arguments）") == true, "\(arity)")
        let literal = diagnostics("day > date('2024-13-01')")
        #expect(literal.first?.message.contains("不是日期（not a date") == true, "\(literal)")
        #expect(literal.first?.location.column == 37 + 6)
        #expect(diagnostics("length(day) > 1 and starts_with(day, '2')").isEmpty)
        // Arguments that would make the rule null, and so skip, on every row.
        #expect(diagnostics("years_between(day, '2024-01-01') > 1").first?.message.contains("`years_between` 的参数应为日期（dates）") == true)
        #expect(diagnostics("years_between(day, length(day)) > 1").first?.message.contains("应为日期") == true)
        #expect(diagnostics("years_between(day, date('2024-01-01')) > 1").isEmpty)
        let number = diagnostics("starts_with(day, 35)")
        #expect(number.first?.message.contains("数字请加引号，如 '35'") == true, "\(number)")
        #expect(number.first?.location.column == 37)
        #expect(diagnostics("substr(day, 0, 2) == '2'").first?.message.contains("起始位置从 1 开始") == true)
        #expect(diagnostics("substr(day, '1') == '2'").first?.message.contains("应为数字") == true)
        #expect(diagnostics("substr(day, 2, 1.5) == '2'").first?.message.contains("非负整数") == true)
        #expect(diagnostics("substr(day, -1) == '2'").first?.message.contains("非负整数") == true)
        #expect(diagnostics("length(day)").first?.message.contains("没有比较（compares nothing）") == true)
    }
}

@Suite("USCC structure of gb32100")
struct CreditCodeStructureTests {
    @Test("check_authority, check_region and region_field judge characters 1–8")
    func structure() throws {
        let d = Fixture.definition(fields: """
          - {name: uscc, title: 统一社会信用代码, type: string, class: public, rules: [{type: gb32100, check_authority: true, check_region: true, region_field: region}]}
          - {name: region, title: 行政区划, type: string, class: public}
        """)
        let rows: [[String?]] = [
            [Fixture.uscc("92350102MA2Y7K3B1"), "350102"],  // 个体工商户 registered in 鼓楼区
            [Fixture.uscc("91350100MA2Y7K3B1"), "350102"],  // registered by the city: covers 鼓楼区
            [Fixture.uscc("91350000MA2Y7K3B1"), "350102"],  // by the province
            [Fixture.uscc("94350102MA2Y7K3B1"), "350102"],  // 9 has no type 4
            [Fixture.uscc("92999999MA2Y7K3B1"), "999999"],  // not a GB/T 2260 code
            [Fixture.uscc("92350203MA2Y7K3B1"), "350102"],  // 思明区 (Xiamen) for a 鼓楼区 record
            [Fixture.uscc("12100000MA2Y7K3B1"), nil],       // a national 事业单位: 100000
        ]
        let (keep, report, _) = try Fixture.run(d, rows, context: Fixture.context(tables: ["gb2260": try Fixture.gb2260()]))
        #expect(keep == [true, true, true, false, false, false, true])
        let labels = Fixture.rules(report, type: "gb32100").filter { ($0["failed"] as? Int ?? 0) > 0 }.compactMap { $0["description"] as? String }
        #expect(labels.count == 3, "\(labels)")
    }

    @Test("a registration region covers the record's region at the same, city or province level only")
    func covers() {
        func covers(_ a: String, _ b: String) -> Bool {
            var a = a, b = b
            return a.withUTF8 { x in b.withUTF8 { y in CreditCodeStructure.region(x, covers: y) } }
        }
        #expect(covers("350102", "350102") && covers("350100", "350102") && covers("350000", "350102"))
        #expect(!covers("350200", "350102") && !covers("350103", "350102") && !covers("360000", "350102"))
    }
}

@Suite("GB/T 4754-2017 industry classification")
struct IndustryTableTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pipelines/codes/gb4754-2017.csv")

    @Test("the shipped table has 20 sections, 97 divisions, 473 groups and 1381 classes")
    func counts() throws {
        let table = try CodeTable.load(name: "industry", path: Self.file)
        var perLevel: [Int: Int] = [:]
        for (_, level) in table.levels { perLevel[level, default: 0] += 1 }
        #expect(perLevel == [1: 20, 2: 97, 3: 473, 4: 1381])
        #expect(table.current.count == 1971)
        #expect(table.current["T"] == "国际组织" && table.current["9700"] == "国际组织")
        #expect(table.current["374"] == "航空、航天器及设备制造" && table.current["3741"] == "飞机制造")
        #expect(table.current["6571"] == "地理遥感信息服务")
        #expect(table.current["0190"] == "其他农业" && table.current["019"] == "其他农业", "a group with one class has the class's name")
    }

    @Test("a code_table rule names the level by name or number")
    func level() throws {
        let table = try CodeTable.load(name: "industry", path: Self.file)
        for level in ["class", "4"] {
            let d = Fixture.definition(fields: """
              - {name: industry, title: 行业代码, type: string, class: public, rules: [{type: code_table, table: industry, level: \(level)}]}
            """)
            let (keep, report, _) = try Fixture.run(d, [["5191"], ["519"], ["F"], ["6571"], ["6570"]],
                                                    context: Fixture.context(tables: ["industry": table]))
            #expect(keep == [true, false, false, true, false])
            #expect(Fixture.rules(report, type: "code_table").first?["description"] as? String == "「行业代码」应为代码表 industry 中第 4 层级（class）的代码")
        }
        let sections = Fixture.definition(fields: """
          - {name: industry, title: 行业门类, type: string, class: public, rules: [{type: code_table, table: industry, level: section}]}
        """)
        #expect(try Fixture.run(sections, [["F"], ["51"], ["U"]], context: Fixture.context(tables: ["industry": table])).keep == [true, false, false])
    }

    @Test("a level that does not exist, or a table without levels, is a definition error")
    func badLevel() throws {
        let d = Fixture.definition(fields: """
          - {name: region, title: 区划, type: string, class: public, rules: [{type: code_table, table: gb2260, level: county}]}
        """)
        #expect(Checker.validate(d, config: nil).first?.message.contains("`county` 不是层级（not a level）") == true)
        let flat = Fixture.definition(fields: """
          - {name: region, title: 区划, type: string, class: public, rules: [{type: code_table, table: gb2260, level: 2}]}
        """)
        #expect(throws: ODPError.self) { try Checker(definition: flat, context: Fixture.context(tables: ["gb2260": try Fixture.gb2260()])) }
    }
}

/// The implausibilities of issue 22 planted in a 个体工商户 table, each flagged by the rule meant for it.
@Suite("Planted implausibilities in a registration table")
struct PlantedImplausibilityTests {
    static func definition(allowLegacy: Bool) -> DatasetDefinition {
        Fixture.definition(fields: """
          - {name: uscc, title: 统一社会信用代码, type: string, class: public, rules: [{type: gb32100, check_authority: true, check_region: true, region_field: region}]}
          - {name: region, title: 行政区划, type: string, class: public}
          - {name: operator_id, title: 经营者身份证号, type: string, class: direct, desensitize: {op: drop}, rules: [{type: gb11643, check_region: true, check_birth: true, allow_15_digit: \(allowLegacy)}]}
          - {name: founded, title: 成立日期, type: date, class: public}
        """, extra: """
        rules:
          - {type: expression, expression: "years_between(id_birth(operator_id), founded) >= 16", message: 经营者在成立日期时应年满 16 岁}
          - {type: expression, expression: "founded >= id_birth(operator_id)", message: 成立日期不应早于经营者出生日期}
        """)
    }

    static let rows: [[String?]] = [
        /* 2 */ [Fixture.uscc("92350102MA2Y7K3B1"), "350102", Fixture.citizenID(region: "350102", birth: "19800501", sequence: "123"), "2015-03-01"],
        /* 3 */ [Fixture.uscc("92350102MA2Y7K3C1"), "350102", Fixture.citizenID(region: "350102", birth: "20050601", sequence: "123"), "2020-01-15"],  // 14 at founding
        /* 4 */ [Fixture.uscc("92350102MA2Y7K3D1"), "350102", Fixture.citizenID(region: "350102", birth: "19950801", sequence: "123"), "1990-01-01"],  // founded before born
        /* 5 */ [Fixture.uscc("92350203MA2Y7K3E1"), "350102", Fixture.citizenID(region: "350102", birth: "19800501", sequence: "123"), "2015-03-01"],  // USCC of 思明区
        /* 6 */ [Fixture.uscc("92350102MA2Y7K3F1"), "350102", Fixture.citizenID(region: "350126", birth: "19960101", sequence: "123"), "2016-03-01"],  // 长乐县 gone in 1994
        /* 7 */ [Fixture.uscc("92350102MA2Y7K3G1"), "350102", "350102800501123", "2015-03-01"],  // 15 digits
        /* 8 */ [Fixture.uscc("92350102MA2Y7K3H1"), "350102", Fixture.citizenID(region: "350102", birth: "18990101", sequence: "123"), "2015-03-01"],  // 127 years old
        /* 9 */ [Fixture.uscc("94350102MA2Y7K3J1"), "350102", Fixture.citizenID(region: "350102", birth: "19800501", sequence: "123"), "2015-03-01"],  // 市场监管 has no type 4
        /* 10 */ [Fixture.uscc("92999999MA2Y7K3K1"), "999999", Fixture.citizenID(region: "350102", birth: "19800501", sequence: "123"), "2015-03-01"],  // no such region
    ]

    /// Source rows that failed each rule, by the rule's label.
    static func flagged(allowLegacy: Bool) throws -> [String: [Int]] {
        let context = Fixture.context(tables: ["gb2260": try Fixture.gb2260()])
        let (_, report, _) = try Fixture.run(definition(allowLegacy: allowLegacy), rows, context: context)
        var out: [String: [Int]] = [:]
        for p in report.problems { out[p.message, default: []].append(p.sourceRow) }
        return out.mapValues { $0.sorted() }
    }

    @Test("each planted row is flagged by its rule and by no other, and the clean row by none")
    func flaggedByIntendedRule() throws {
        let f = try Self.flagged(allowLegacy: true)
        #expect(f["经营者在成立日期时应年满 16 岁"] == [3, 4], "\(f)")  // a founding before birth is also under 16
        #expect(f["成立日期不应早于经营者出生日期"] == [4], "\(f)")
        #expect(f["「统一社会信用代码」第 3–8 位应与「行政区划」的区划（或其所属市、省）一致"] == [5], "\(f)")
        #expect(f["「经营者身份证号」前 6 位应为出生时仍在使用的行政区划代码（GB/T 2260，代码表 gb2260）"] == [6], "\(f)")
        #expect(f["「经营者身份证号」中的出生日期应为真实日期、不晚于运行日期，且年龄在 0–120 岁之间"] == [8], "\(f)")
        #expect(f["「统一社会信用代码」第 1–2 位应为登记管理部门代码及其下的机构类别代码（GB 32100-2015 表 1）"] == [9], "\(f)")
        #expect(f["「统一社会信用代码」第 3–8 位应为行政区划代码（GB/T 2260，代码表 gb2260）"] == [10], "\(f)")
        #expect(f.values.flatMap { $0 }.sorted() == [3, 4, 4, 5, 6, 8, 9, 10], "row 2 and the allowed 15-digit row 7 are clean: \(f)")
    }

    @Test("a 15-digit ID is flagged by the check-digit rule when the definition does not allow it")
    func legacyNotAllowed() throws {
        let f = try Self.flagged(allowLegacy: false)
        #expect(f["「经营者身份证号」不是有效的公民身份号码（GB 11643 校验位）"] == [7], "\(f)")
    }
}

@Suite("Screens that fit skewed data")
struct SkewedScreenTests {
    func definition(_ screens: String) -> DatasetDefinition {
        Fixture.definition(fields: "  - {name: amount, title: 金额, type: number, class: public}", extra: "screens:\n  \(screens)")
    }

    func rows(_ values: [Double]) -> [[String?]] { values.map { [String(format: "%.2f", $0)] } }

    /// 10^(4i/2000), i = 0…1999: spread evenly over 1 … 10,000 on the log scale. Quartiles
    /// 9.99, 99.8 and 996.6: Bowley's skewness (996.6 + 9.99 − 2·99.8)/(996.6 − 9.99) = 0.82.
    let logUniform = (0..<2000).map { pow(10, 4 * Double($0) / 2000) }

    @Test("a positive, heavily skewed column is screened on the log scale, and the note says why")
    func logScale() throws {
        let auto = Fixture.rules(try Fixture.run(definition("outliers: {fields: [amount]}"), rows(logUniform)).report, type: "screen_outliers")[0]
        let metric = try #require(auto["metric"] as? [String: Any])
        #expect(metric["method"] as? String == "log")
        #expect(metric["quartile_skewness"] as? Double ?? 0 > 0.81 && metric["quartile_skewness"] as? Double ?? 1 < 0.83)
        #expect(auto["failed"] as? Int == 0)
        #expect((auto["note"] as? String ?? "").hasPrefix("方法：对数尺度 IQR（自动选择：数值均为正，四分位偏度 0.82 ≥ 0.2，属严重偏态）；估计异常值比例 0%"), "\(auto)")
        // On the raw scale the upper fence is 996.6 + 3 × 986.6 = 3956: the top 201 values, 10%, are "outliers".
        let raw = Fixture.rules(try Fixture.run(definition("outliers: {fields: [amount], method: iqr}"), rows(logUniform)).report, type: "screen_outliers")[0]
        #expect(raw["failed"] as? Int == 1)
        #expect((raw["metric"] as? [String: Any])?["estimated_share"] as? Double == 0.1005)
    }

    @Test("on the log scale a planted extreme is still found")
    func extremeFound() throws {
        // ln fences: Q1 = ln 9.99, Q3 = ln 996.6, so the upper fence is 10^(3 + 3 × 2) ≈ 1e9.
        let report = try Fixture.run(definition("outliers: {fields: [amount], max_share: 0.0001}"), rows(logUniform + [1e12])).report
        let line = Fixture.rules(report, type: "screen_outliers")[0]
        #expect(line["failed"] as? Int == 1)
        #expect((line["metric"] as? [String: Any])?["method"] as? String == "log")
        #expect(line["examples"] as? [Int] == [2002])
    }

    @Test("a column with a zero or a negative value stays on the linear scale, and the note says why")
    func notPositive() throws {
        let line = Fixture.rules(try Fixture.run(definition("outliers: {fields: [amount]}"), rows([0] + logUniform)).report, type: "screen_outliers")[0]
        #expect((line["metric"] as? [String: Any])?["method"] as? String == "iqr")
        #expect((line["note"] as? String ?? "").hasPrefix("方法：IQR（自动选择：含 0 或负数，不用对数尺度）"), "\(line)")
        let forced = Fixture.rules(try Fixture.run(definition("outliers: {fields: [amount], method: log}"), rows([0] + logUniform)).report, type: "screen_outliers")[0]
        #expect((forced["note"] as? String ?? "").contains("配置为对数尺度，但本列含 0 或负数"))
    }

    @Test("the heaping note states the rule and why the column passed or failed")
    func heapingNote() throws {
        func note(_ values: [Int]) throws -> (String, Int) {
            let line = Fixture.rules(try Fixture.run(definition("heaping: {fields: [amount]}"), values.map { ["\($0)"] }).report, type: "screen_heaping")[0]
            return (line["note"] as? String ?? "", line["failed"] as? Int ?? -1)
        }
        let rule = "规则：尾数（整数部分末位，绝对值 ≥ 10 的数）分布的 χ²（自由度 9）大于临界值 27.877（p = 0.001），且尾数为 0 或 5 的比例高于 30%（均匀分布时为 20%）时，判为数字堆积。"
        // Last digits 1–4, 250 each: χ² = 4 × 150²/100 + 6 × 100²/100 = 1500, no 0 or 5.
        let (skewed, skewedFailed) = try note((0..<1000).map { 11 + $0 % 4 })
        #expect(skewed == rule + "本列 χ² = 1500.0 > 27.877，但 0/5 比例 0% ≤ 30%，尾数偏离均匀并非因集中于 0 和 5：通过。（n = 1000）")
        #expect(skewedFailed == 0)
        // Only 0 and 5, 500 each: χ² = 2 × 400²/100 + 8 × 100 = 4000.
        let (heaped, heapedFailed) = try note((0..<1000).map { $0 % 2 == 0 ? 10 : 15 })
        #expect(heaped == rule + "本列 χ² = 4000.0 > 27.877，且 0/5 比例 100% > 30%：判为堆积。（n = 1000）")
        #expect(heapedFailed == 1)
        let (uniform, _) = try note((0..<1000).map { 10 + $0 % 10 })
        #expect(uniform.hasSuffix("本列 χ² = 0.0 ≤ 27.877，尾数分布与均匀分布无显著差异（0/5 比例 20% ≤ 30%）：通过。（n = 1000）"))
    }
}

@Suite("README's truth-check examples")
struct TruthCheckReadmeTests {
    static let readme = (try? String(contentsOf: IndustryTableTests.file.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The first YAML block after `marker`.
    static func block(after marker: String) -> String {
        guard let start = readme.range(of: marker), let open = readme[start.upperBound...].range(of: "```yaml\n"),
              let close = readme[open.upperBound...].range(of: "```") else { return "" }
        return String(readme[open.upperBound..<close.lowerBound])
    }

    @Test("the field options and the function rules README shows validate together")
    func examplesValidate() throws {
        let fields = Self.block(after: "**Truth checks on identifiers")
        let rules = Self.block(after: "**Functions in row expressions")
        #expect(fields.contains("check_birth") && rules.contains("years_between"))
        let yaml = """
        id: readme-truth
        catalog: {title: 示例, code: T-1, provider: 测试局, provider_code: "11100000000000000X", summary: 示例, domain: 市场监管, open_type: 无条件开放, update_cycle: 每月, license: CC-BY-4.0}
        source: {type: csv, path: data.csv}
        fields:
        \(fields)
          - {name: region, title: 行政区划, type: string, class: public}
          - {name: founded, title: 成立日期, type: date, class: public}
        \(rules)
        """
        let (definition, parse) = DatasetDefinition.parse(yaml: yaml, file: "README.md")
        #expect(parse.filter { $0.severity == .error }.isEmpty, "\(parse)")
        let d = try #require(definition)
        let diagnostics = Checker.validate(d, config: nil)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let context = Fixture.context(tables: ["gb2260": try Fixture.gb2260(), "industry": try CodeTable.load(name: "industry", path: IndustryTableTests.file)])
        _ = try Checker(definition: d, context: context)
    }
}

@Suite("Native timestamp text in every rule on a datetime field")
struct NativeTimestampRuleTests {
    let fields = """
      - {name: created, title: 创建时间, type: datetime, class: public}
      - {name: updated, title: 更新时间, type: datetime, class: public, rules: [{type: date_range, not_before: "2020-01-01"}]}
    """

    @Test("what PostgreSQL writes (fractions, +08, T or space) is compared by expressions and date_range, not skipped or rejected")
    func comparedAsWritten() throws {
        let d = Fixture.definition(fields: fields, extra: "rules:\n  - {type: expression, expression: \"updated >= created\"}")
        let rows: [[String?]] = [
            ["2026-05-01 10:00:00+08", "2026-05-01 10:00:00.123456+08:00"],   // later by a fraction: passes
            ["2026-05-01T10:00:00.5", "2026-05-01 09:59:59"],                 // earlier: fails the expression
            ["2019-01-01 00:00:00", "2019-12-31T23:59:59Z"],                   // before not_before: fails date_range only
        ]
        let (keep, report, _) = try Fixture.run(d, rows)
        #expect(keep == [true, false, false])
        #expect(Fixture.failed(report, type: "expression") == 1)
        #expect(Fixture.checked(report, type: "expression") == 3, "no row is skipped as an unreadable date")
        #expect(Fixture.failed(report, type: "date_range", field: "updated") == 1)
        #expect(Fixture.failed(report, type: "type", field: "updated") == 0)
    }
}
