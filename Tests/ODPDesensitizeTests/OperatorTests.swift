import Foundation
import ODPCore
import Testing
@testable import ODPDesensitize

@Suite("Operators transform each field as declared")
struct OperatorTests {
    func single(_ field: String, _ values: [String?], context: StageContext = Fixture.context()) throws -> [String?] {
        let d = try Desensitizer(definition: Fixture.definition([field]), context: context)
        return Fixture.run(d, values.map { [$0] }).map { $0[0] }
    }

    @Test("mask keeps first and last characters, counting Chinese characters, and always masks one")
    func mask() throws {
        let name = "{name: xm, title: 姓名, type: string, class: direct, desensitize: {op: mask, keep_first: 1, keep_last: 1}}"
        #expect(try single(name, ["张三明", "欧阳娜娜", "张三", "王", nil]) == ["张*明", "欧**娜", "张*", "*", nil])
        let id = "{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: {op: mask, keep_first: 6, keep_last: 4}}"
        #expect(try single(id, ["370921199001010063"]) == ["370921********0063"])
        let hash = "{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: {op: mask, keep_last: 2, char: \"#\"}}"
        #expect(try single(hash, ["1234"]) == ["##34"])
        let mixed = "{name: lxr, title: 联系人, type: string, class: direct, desensitize: {op: mask, keep_first: 2, keep_last: 2, char: \"○\"}}"
        #expect(try single(mixed, ["Li张三丰cd", "ab", "张三丰"]) == ["Li○○○cd", "a○", "张三○"])
    }

    @Test("generalize turns dates into year-month or year and changes the output type")
    func dates() throws {
        let def = Fixture.definition([
            "{name: csrq, title: 出生日期, type: date, format: YYYYMMDD, class: quasi, desensitize: {op: generalize, to: year_month}}",
            "{name: djrq, title: 登记日期, type: date, class: quasi, desensitize: {op: generalize, to: year}}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        #expect(d.outputSchema.fields.map(\.type) == [.yearmonth, .year])
        #expect(Fixture.run(d, [["19900517", "2021-03-04"], ["1990-13-01", "bad"]]) == [["1990-05", "2021"], [nil, nil]])
    }

    @Test("age bands are computed at the run date from birth dates or ID numbers")
    func ageBands() throws {
        let fromID = "{name: sfzh, title: 身份证号, type: string, class: quasi, desensitize: {op: generalize, to: age_band}}"
        // Run date 2025-06-30: born 1990-01-01 → 35; born 1990-07-01 → 34 (birthday not yet reached).
        #expect(try single(fromID, [Fixture.id("37092119900101006"), Fixture.id("37092119900701006"), "370921900101006"])
                == ["35-39", "30-34", "35-39"])
        let fromDate = "{name: csrq, title: 出生日期, type: date, class: quasi, desensitize: {op: generalize, to: age_band, width: 10, top: 80}}"
        #expect(try single(fromDate, ["2000-06-30", "1930-01-01"]) == ["20-29", "80+"])
    }

    @Test("region codes are cut to city or province level, with names from the gb2260 table")
    func regions() throws {
        let table = try CodeTable.load(name: "gb2260", path: URL(fileURLWithPath: "/work/shared/reference/gb2260/2024.txt"))
        let context = Fixture.context(tables: ["gb2260": table])
        let city = "{name: qh, title: 行政区划, type: string, class: quasi, desensitize: {op: generalize, to: region, name: true}}"
        #expect(try single(city, ["370921", "110105", "12"], context: context) == ["泰安市", "北京市", nil])
        let province = "{name: qh, title: 行政区划, type: string, class: quasi, desensitize: {op: generalize, to: region, region_level: province}}"
        #expect(try single(province, ["370921"]) == ["37"])
        #expect(throws: ODPError.self) { try single(city, ["370921"]) }
    }

    @Test("addresses are cut after the county-level part")
    func district() throws {
        let f = "{name: dz, title: 住址, type: string, class: quasi, desensitize: {op: generalize, to: district}}"
        let out = try single(f, ["山东省泰安市宁阳县文庙街道123号", "北京市朝阳区建国路88号", "内蒙古自治区呼和浩特市新城区中山路1号",
                                 "江苏省苏州市昆山市玉山镇某小区", "门牌号缺失", "四川省凉山彝族自治州西昌市长安路2号",
                                 "内蒙古自治区锡林郭勒盟正蓝旗上都镇", "新疆维吾尔自治区喀什地区疏附县", "广东省东莞市南城街道8栋",
                                 "A1栋朝阳区建设路", "福建省福州市"])
        #expect(out == ["山东省泰安市宁阳县", "北京市朝阳区", "内蒙古自治区呼和浩特市新城区", "江苏省苏州市昆山市", nil,
                        "四川省凉山彝族自治州西昌市", "内蒙古自治区锡林郭勒盟正蓝旗", "新疆维吾尔自治区喀什地区疏附县",
                        "广东省东莞市", "A1栋朝阳区", "福建省福州市"])
    }

    @Test("numbers become ranges with top and bottom coding")
    func ranges() throws {
        let f = "{name: sr, title: 收入, type: integer, class: sensitive, desensitize: {op: generalize, to: range, width: 1000, top: 50000, bottom: 0}}"
        #expect(try single(f, ["3456", "60000", "-5", "x"]) == ["3000-3999", "≥50000", "<0", nil])
        let top = "{name: sr, title: 收入, type: number, class: sensitive, desensitize: {op: generalize, to: range, top: 100}}"
        #expect(try single(top, ["150.5", "99.5"]) == ["≥100", "99.5"])
    }

    @Test("each operator says what its field becomes: type, scale and format")
    func outputFields() throws {
        let def = Fixture.definition([
            "{name: je, title: 金额, type: number, scale: 2, class: public, desensitize: {op: round, digits: 1}}",
            "{name: csrq, title: 出生日期, type: date, format: YYYYMMDD, class: quasi, desensitize: {op: generalize, to: year_month}}",
            "{name: nl, title: 年龄, type: integer, class: quasi, desensitize: {op: generalize, to: range, top: 80}}",
            "{name: sr, title: 收入, type: number, scale: 2, class: sensitive, desensitize: {op: mask, keep_first: 1}}",
            "{name: zt, title: 状态, type: string, class: public, desensitize: {op: suppress, when_count_below: 2}}",
        ])
        let fields = try Desensitizer(definition: def, context: Fixture.context()).outputSchema.fields
        #expect(fields.map(\.type) == [.number, .yearmonth, .integer, .string, .string])
        #expect(fields.map(\.scale) == [1, nil, nil, nil, nil])
        #expect(fields.map(\.format) == [nil, "YYYY-MM", nil, nil, nil])
    }

    @Test("round keeps digits or rounds to a multiple")
    func round() throws {
        let digits = "{name: je, title: 金额, type: number, class: public, desensitize: {op: round, digits: 1}}"
        #expect(try single(digits, ["12.345", "7"]) == ["12.3", "7.0"])
        let multiple = "{name: je, title: 金额, type: integer, class: public, desensitize: {op: round, to: 100}}"
        #expect(try single(multiple, ["1234", "1250"]) == ["1200", "1300"])
    }

    @Test("suppress blanks a cell when another field has a value, or when the value is rare")
    func suppress() throws {
        let def = Fixture.definition([
            "{name: zt, title: 状态, type: string, class: public}",
            "{name: bz, title: 备注, type: string, class: public, desensitize: {op: suppress, when: {field: zt, equals: 注销}}}",
            "{name: hy, title: 行业, type: string, class: public, desensitize: {op: suppress, when_count_below: 2}}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        #expect(d.needsSecondPass)
        let out = Fixture.run(d, [["存续", "甲", "餐饮"], ["注销", "乙", "餐饮"], ["存续", "丙", "养殖"]])
        #expect(out == [["存续", "甲", "餐饮"], ["注销", nil, "餐饮"], ["存续", "丙", nil]])
    }

    @Test("replace writes a constant and redact replaces identifiers inside free text")
    func replaceAndRedact() throws {
        let replace = "{name: bz, title: 备注, type: string, class: direct, desensitize: {op: replace, value: 已隐藏}}"
        #expect(try single(replace, ["任意", nil]) == ["已隐藏", "已隐藏"])
        let redact = "{name: ms, title: 描述, type: string, class: public, desensitize: {op: redact}}"
        #expect(try single(redact, ["请联系13812345678或zhang@example.com。", "无"]) == ["请联系[已脱敏]或[已脱敏]。", "无"])
        let def = Fixture.definition(["{name: ms, title: 描述, type: string, class: public, desensitize: {op: redact}}"],
                                     privacy: "privacy:\n  redact_marker: \"[略]\"")
        let d = try Desensitizer(definition: def, context: Fixture.context())
        #expect(Fixture.run(d, [["车牌鲁A12345，IP 10.1.2.3"]]) == [["车牌[略]，IP [略]"]])
        // A field's own marker wins over the dataset's.
        let own = Fixture.definition(["{name: ms, title: 描述, type: string, class: public, desensitize: {op: redact, marker: \"***\"}}"],
                                     privacy: "privacy:\n  redact_marker: \"[略]\"")
        #expect(Fixture.run(try Desensitizer(definition: own, context: Fixture.context()), [["电话13812345678"]]) == [["电话***"]])
    }

    @Test("drop removes the field from the output schema and batches")
    func drop() throws {
        let def = Fixture.definition([
            "{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: drop}",
            "{name: hy, title: 行业, type: string, class: public}",
        ])
        let d = try Desensitizer(definition: def, context: Fixture.context())
        #expect(d.outputSchema.names == ["hy"])
        #expect(Fixture.run(d, [[Fixture.id("37092119900101006"), "餐饮"]]) == [["餐饮"]])
        #expect(d.finish().holdReasons.isEmpty)
    }
}

@Suite("Pseudonyms are stable per key and rotate with the key id")
struct PseudonymTests {
    let field = "{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: {op: pseudonym, prefix: P}}"
    let id = Fixture.id("37092119900101006")

    func pseudonyms(_ context: StageContext) throws -> [String?] {
        let d = try Desensitizer(definition: Fixture.definition([field]), context: context)
        return Fixture.run(d, [[id], [id.lowercased()], ["另一个值"]]).map { $0[0] }
    }

    @Test("two instances with the same key give the same pseudonyms; a new key id or key changes them")
    func stability() throws {
        let a = try pseudonyms(Fixture.context())
        let b = try pseudonyms(Fixture.context())
        #expect(a == b)
        #expect(a[0] == a[1], "case-insensitive for ID numbers")
        #expect(a[0] != a[2])
        #expect(a[0]!.hasPrefix("P") && a[0]!.count == 33 && a[0]!.dropFirst().allSatisfy { "bcdfghjkmnprstvz".contains($0) })
        let rotated = try pseudonyms(Fixture.context(keyID: "k2026"))
        #expect(rotated[0] != a[0])
        let otherKey = try pseudonyms(Fixture.context(key: Array("another-secret".utf8)))
        #expect(otherKey[0] != a[0])
    }

    @Test("a missing key fails closed")
    func missingKey() {
        #expect(throws: ODPError.self) { try pseudonyms(Fixture.context(keyID: nil, key: nil)) }
        #expect(throws: ODPError.self) { try pseudonyms(Fixture.context(keyID: "k", key: [])) }
    }
}

import Crypto

@Suite("The pseudonym is standard HMAC-SHA256")
struct PseudonymHMACTests {
    @Test("the output equals HMAC-SHA256(key, key id ‖ 0x1F ‖ upper-cased value), first 16 bytes, hex digit i written as letter i of bcdfghjkmnprstvz")
    func matchesHMAC() throws {
        let field = "{name: sfzh, title: 身份证号, type: string, class: direct, desensitize: {op: pseudonym}}"
        let d = try Desensitizer(definition: Fixture.definition([field]), context: Fixture.context())
        let out = Fixture.run(d, [["  abc123x "]])[0][0]
        let mac = HMAC<SHA256>.authenticationCode(for: Array("k2025".utf8) + [0x1F] + Array("ABC123X".utf8),
                                                  using: SymmetricKey(data: Fixture.key))
        let hex = SHA256Hex.hex(Array(mac).prefix(16))
        // The documented migration: a format-1 (hex) pseudonym maps to format 2 letter by letter.
        let letters = Array("bcdfghjkmnprstvz")
        #expect(out == String(hex.map { letters[Int(String($0), radix: 16)!] }))
        #expect(out == "fbhdcjztpbzcktvgskdbfzbtncjzpmbt", "pinned: a change here changes every published pseudonym")
    }
}

@Suite("PseudonymHMAC agrees with swift-crypto")
struct PseudonymHMACAgreementTests {
    @Test("short and long keys, empty and multi-block values give the standard HMAC-SHA256")
    func agrees() {
        let keys: [[UInt8]] = [Array("k".utf8), Fixture.key, Array(repeating: 0xAB, count: 64), Array(repeating: 0x5A, count: 100)]
        let values: [[UInt8]] = [[], Array("370921199001010063".utf8), Array(repeating: 0x41, count: 55), Array(repeating: 0x42, count: 200)]
        for key in keys {
            let hmac = PseudonymHMAC(key: key, keyID: "kid")
            for value in values {
                var mac = [UInt8](repeating: 0, count: 32)
                value.withUnsafeBufferPointer { v in mac.withUnsafeMutableBufferPointer { hmac.mac(v, into: $0.baseAddress!) } }
                let expected = HMAC<SHA256>.authenticationCode(for: Array("kid".utf8) + [0x1F] + value, using: SymmetricKey(data: key))
                #expect(mac == Array(expected), "key \(key.count) bytes, value \(value.count) bytes")
            }
        }
    }
}
