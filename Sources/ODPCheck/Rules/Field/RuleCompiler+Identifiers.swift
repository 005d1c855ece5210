import ODPCore

extension RuleCompiler {
    /// Default plausible age range of `gb11643` with `check_birth` (years on the run date):
    /// 0 to 120, the oldest verified ages being just above 120.
    static let defaultAgeRange = 0...120

    /// `gb11643` and its options (`allow_15_digit`, `check_birth` with `min_age`/`max_age`,
    /// `check_region` with `table`). Each option is its own check with its own label, so the
    /// report says which part of the number is wrong; a number that fails the check
    /// character is reported by that check only.
    func compileCitizenID(_ r: ConfigReader, add: (String, @escaping CellTest) -> Void) {
        let legacy = r.bool("allow_15_digit") ?? false
        add(legacy ? "不是有效的公民身份号码（18 位须通过 GB 11643 校验位，或为 15 位旧号码）" : "不是有效的公民身份号码（GB 11643 校验位）") { cell, _, _ in
            guard CitizenID.isWellFormed(cell, allowLegacy: legacy) else { return false }
            return cell.count == 18 || CitizenID.birth(cell) != nil
        }
        let minAge = r.int("min_age", range: 0...150), maxAge = r.int("max_age", range: 0...150)
        if r.bool("check_birth") ?? false {
            let lo = minAge ?? Self.defaultAgeRange.lowerBound, hi = maxAge ?? Self.defaultAgeRange.upperBound
            if lo > hi { r.error("\(r.context): `min_age` (\(lo)) is above `max_age` (\(hi))", at: r.raw("min_age")?.location) }
            let today = CivilDays.days(runDate.year, runDate.month, runDate.day)
            add("中的出生日期应为真实日期、不晚于运行日期，且年龄在 \(lo)–\(hi) 岁之间") { cell, _, _ in
                guard CitizenID.isWellFormed(cell, allowLegacy: legacy) else { return true }  // the check-character test reports it
                guard let b = CitizenID.birth(cell) else { return false }
                let born = CivilDays.days(b.year, b.month, b.day)
                guard born <= today else { return false }
                let age = CivilDays.completedYears(from: born, to: today)
                return age >= lo && age <= hi
            }
        } else if minAge != nil || maxAge != nil {
            r.error("\(r.context)：`min_age`/`max_age` 需要同时写 `check_birth: true`", at: (r.raw("min_age") ?? r.raw("max_age"))?.location)
        }
        if r.bool("check_region") ?? false {
            let name = r.string("table") ?? "gb2260"
            guard let table = byteTable(name, at: r.raw("table")?.location ?? r.location, context: r.context) else { return }
            add("前 6 位应为出生时仍在使用的行政区划代码（GB/T 2260，代码表 \(name)）") { cell, _, _ in
                guard CitizenID.isWellFormed(cell, allowLegacy: legacy), let b = CitizenID.birth(cell),
                      let region = CitizenID.region(cell) else { return true }  // reported by the checks above
                return table.inForce(region, sinceYear: b.year)
            }
        } else if r.has("table") {
            r.error("\(r.context)：`table` 需要同时写 `check_region: true`", at: r.raw("table")?.location)
        }
    }

    /// `gb32100` and its options: `check_authority` (characters 1–2), `check_region`
    /// (characters 3–8 in GB/T 2260, `table`), `region_field` (characters 3–8 are the
    /// record's region or the city or province above it).
    func compileCreditCode(_ r: ConfigReader, add: (String, @escaping CellTest) -> Void) {
        add("不是有效的统一社会信用代码（GB 32100 校验位）") { cell, _, _ in Checksums.gb32100(cell) }
        if r.bool("check_authority") ?? false {
            add("第 1–2 位应为登记管理部门代码及其下的机构类别代码（GB 32100-2015 表 1）") { cell, _, _ in
                !Checksums.gb32100(cell) || CreditCodeStructure.hasKnownType(cell)
            }
        }
        if r.bool("check_region") ?? false {
            let name = r.string("table") ?? "gb2260"
            if let table = byteTable(name, at: r.raw("table")?.location ?? r.location, context: r.context) {
                let national = CreditCodeStructure.nationalRegion
                add("第 3–8 位应为行政区划代码（GB/T 2260，代码表 \(name)）") { cell, _, _ in
                    guard Checksums.gb32100(cell), let region = CreditCodeStructure.region(cell) else { return true }
                    return table.index(region) != nil || region.elementsEqual(national)
                }
            }
        } else if r.has("table") {
            r.error("\(r.context)：`table` 需要同时写 `check_region: true`", at: r.raw("table")?.location)
        }
        if let name = r.string("region_field"), let loc = r.raw("region_field")?.location,
           let regionColumn = column(name, at: loc, context: "\(r.context).region_field") {
            add("第 3–8 位应与「\(schema.fields[regionColumn].title)」的区划（或其所属市、省）一致") { cell, row, cells in
                guard Checksums.gb32100(cell), let registered = CreditCodeStructure.region(cell),
                      let region = cells.at(row, regionColumn), region.count == 6 else { return true }
                return CreditCodeStructure.region(registered, covers: region)
            }
        }
    }
}
