import Foundation
import ODPCore
import Testing

/// Probes for the truth-check options of issue 22 (`gb11643`, `gb32100`, `code_table.level`,
/// the outlier methods). The base rows' IDs are born 1961–2000 in 350102 (鼓楼区, since 1983)
/// and their credit codes are 9 1 350100 …: the probes plant what each option is there to catch.
extension DocumentedKeysTests {
    static func replacing(_ i: Int, column: Int, with value: String) -> @Sendable (inout KeysWorkspace) -> Void {
        { $0.csv = $0.csv.replacingOccurrences(of: KeysWorkspace.row(i)[column], with: value) }
    }

    static func citizenID(_ first17: String) -> String { first17 + String(Checksums.gb11643CheckCharacter(first17)!) }
    static func creditCode(_ first17: String) -> String { first17 + String(Checksums.gb32100CheckCharacter(first17)!) }

    static let gb11643 = "rules: [gb11643]"
    static let gb32100 = "rules: [required, unique, gb32100]"
    static func gb11643(_ options: String) -> String { "rules: [{type: gb11643, \(options)}]" }
    static func gb32100(_ options: String) -> String { "rules: [required, unique, {type: gb32100, \(options)}]" }

    static func levelTable(_ w: inout KeysWorkspace, rule: String) {
        w.files["codes/levels.csv"] = Data("code,name,level\n35,福建省,1\n350102,鼓楼区,2\n350103,台江区,2\n".utf8)
        w.editODP("code_tables:\n", "code_tables:\n  levels:\n    path: codes/levels.csv\n")
        w.edit("table: gb2260, as_of_field: reg_date}", rule)
    }

    /// `key` set by `from` → `to`, over rows where row `row`'s `column` is `value`: the variant
    /// rejects that row by `rule`, the base (same rows, without the key) does not.
    static func planted(_ key: String, row: Int, column: Int, value: String, rule: String, from: String, to: String) -> Probe {
        Probe([key], baseChange: replacing(row, column: column, with: value), { replacing(row, column: column, with: value)(&$0); $0.edit(from, to) }) { base, variant in
            #expect(variant.rejected(row: row, rule: rule) && !base.rejected(row: row, rule: rule), "\(variant.problems)")
        }
    }

    static let truthProbes: [Probe] = [
        Probe(["rule.field.gb11643.check_birth", "rule.field.gb11643.max_age"], { $0.edit(gb11643, gb11643("check_birth: true, max_age: 50")) }) { base, variant in
            #expect(variant.rejected(row: 1, rule: "gb11643") && !base.rejected(row: 1, rule: "gb11643"), "born 1961: 65 on the run date")
            #expect(!variant.rejected(row: 30, rule: "gb11643"), "born 1990")
        },
        Probe(["rule.field.gb11643.min_age"], baseChange: { $0.edit(gb11643, gb11643("check_birth: true")) },
              { $0.edit(gb11643, gb11643("check_birth: true, min_age: 40")) }) { base, variant in
            #expect(variant.rejected(row: 30, rule: "gb11643") && !base.rejected(row: 30, rule: "gb11643"), "born 1990: 36")
        },
        // Row 36 (born 1996) gets an ID of 长乐县 350126, abolished in 1994.
        planted("rule.field.gb11643.check_region", row: 36, column: 6, value: citizenID("35012619960110362"), rule: "gb11643",
                from: gb11643, to: gb11643("check_region: true")),
        Probe(["rule.field.gb11643.table"], baseChange: { $0.edit(gb11643, gb11643("check_region: true")) },
              { $0.edit(gb11643, gb11643("check_region: true, table: gb2261")) }) { base, variant in
            #expect(base.errors.isEmpty && !variant.errors.isEmpty, "\(variant.errors)")
        },
        // Row 3 (born 1963-04-10, a man) with the 15-digit number of the same person.
        Probe(["rule.field.gb11643.allow_15_digit"], baseChange: replacing(3, column: 6, with: "350102630410031"),
              { replacing(3, column: 6, with: "350102630410031")(&$0); $0.edit(gb11643, gb11643("allow_15_digit: true")) }) { base, variant in
            #expect(base.rejected(row: 3, rule: "gb11643") && !variant.rejected(row: 3, rule: "gb11643"), "\(base.problems)")
        },
        // Row 33: registered by 9 (市场监管) as type 4, which 9 does not have.
        planted("rule.field.gb32100.check_authority", row: 33, column: 1, value: creditCode("94350100000000033"), rule: "gb32100",
                from: gb32100, to: gb32100("check_authority: true")),
        // Row 34: characters 3–8 are 999999, no GB/T 2260 code.
        planted("rule.field.gb32100.check_region", row: 34, column: 1, value: creditCode("91999999000000034"), rule: "gb32100",
                from: gb32100, to: gb32100("check_region: true")),
        Probe(["rule.field.gb32100.table"], baseChange: { $0.edit(gb32100, gb32100("check_region: true")) },
              { $0.edit(gb32100, gb32100("check_region: true, table: gb2261")) }) { base, variant in
            #expect(base.errors.isEmpty && !variant.errors.isEmpty, "\(variant.errors)")
        },
        // Row 35: registered in 思明区 (Xiamen), a 鼓楼区 record.
        planted("rule.field.gb32100.region_field", row: 35, column: 1, value: creditCode("91350203000000035"), rule: "gb32100",
                from: gb32100, to: gb32100("region_field: region_code")),
        // A two-level table: 35 福建省 (level 1) over 350102 鼓楼区 (level 2), the base rows' old_region.
        Probe(["rule.field.code_table.level"], baseChange: { levelTable(&$0, rule: "table: levels}") },
              { levelTable(&$0, rule: "table: levels, level: 1}") }) { base, variant in
            #expect(!base.rejected(row: 1, rule: "code_table") && variant.rejected(row: 1, rule: "code_table"), "\(variant.problems)")
        },
        Probe(["screens.log"], { $0.edit("method: iqr", "method: log") }) { base, variant in
            #expect("\(base.rules("screen_outliers"))" != "\(variant.rules("screen_outliers"))")
        },
        Probe(["screens.auto"], { $0.edit("method: iqr", "method: auto") }) { base, variant in
            #expect("\(base.rules("screen_outliers"))" != "\(variant.rules("screen_outliers"))")
        },
    ]
}
