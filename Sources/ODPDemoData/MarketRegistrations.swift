import ODPCore

/// 市场监管局 个体工商户登记信息: the demo's personal-data-heavy table and the benchmark
/// table (15 columns, ~260 bytes a row as CSV).
public struct MarketRegistrations: DemoTable {
    public let name = "market_registrations"
    public let rowCount: Int
    public let columns = ["uscc", "shop_name", "operator_name", "id_number", "mobile", "address", "region_code",
                          "industry", "reg_date", "capital", "employees", "scope", "status", "reg_authority", "updated_at"]

    public init(rowCount: Int) { self.rowCount = rowCount }

    /// Which defects row `index` carries (0-based row index).
    public static func defects(_ index: Int) -> [PlantedDefect] {
        var out: [PlantedDefect] = []
        if index % 397 == 13 { out.append(PlantedDefect(column: "id_number", rule: "gb11643")) }
        if index % 503 == 7 { out.append(PlantedDefect(column: "uscc", rule: "gb32100")) }
        if index % 701 == 5 { out.append(PlantedDefect(column: "reg_date", rule: "date_range")) }
        if index % 911 == 3 { out.append(PlantedDefect(column: "capital", rule: "min")) }
        if index % 1013 == 11 { out.append(PlantedDefect(column: "operator_name", rule: "required")) }
        if index % 1201 == 17 { out.append(PlantedDefect(column: "mobile", rule: "pattern")) }
        if index % 1301 == 19 { out.append(PlantedDefect(column: "region_code", rule: "code_table")) }
        if index % 50 == 1 { out.append(PlantedDefect(column: "scope", rule: "redact")) }
        return out
    }

    public func row(_ index: Int) -> [String?] {
        var r = DemoRandom(table: 1, row: index)
        let defects = Self.defects(index).map(\.rule)
        let district = r.pick(DemoVocabulary.districts)
        let operatorName = DemoIdentifiers.name(&r)
        let shop = "福州市\(district.name)\(operatorName.prefix(1))记\(r.pick(DemoVocabulary.shopWords))"
        let year = r.int(in: 2008...2025), month = r.int(in: 1...12)
        let day = r.int(in: 1...CivilDateTime.daysIn(month: month, year: year))
        let regYear = defects.contains("date_range") ? 2031 : year
        let capitalCents = r.int(in: 100...50_000) * (defects.contains("min") ? -1 : 1)
        let capital = "\(capitalCents / 100).\(DemoIdentifiers.pad(abs(capitalCents % 100), 2))"
        let mobile = DemoIdentifiers.mobile(&r)
        var scope = r.pick(DemoVocabulary.scopes)
        if defects.contains("redact") { scope += "。联系电话\(DemoIdentifiers.mobile(&r))" }
        let status = r.chance(0.85) ? "存续" : "注销"
        let minute = index % 1440
        let updated = "2026-11-\(DemoIdentifiers.pad(1 + index % 20, 2)) \(DemoIdentifiers.pad(minute / 60, 2)):\(DemoIdentifiers.pad(minute % 60, 2)):00"
        let industry = r.pick(DemoVocabulary.industries)
        let idNumber = DemoIdentifiers.idNumber(&r, validCheck: !defects.contains("gb11643"))
        let uscc = DemoIdentifiers.uscc(&r, region: district.code, validCheck: !defects.contains("gb32100"))
        return [
            uscc,
            shop,
            defects.contains("required") ? nil : operatorName,
            idNumber,
            defects.contains("pattern") ? mobile + "8" : mobile,
            DemoIdentifiers.address(&r, district: district),
            defects.contains("code_table") ? "350199" : district.code,
            industry,
            "\(regYear)-\(DemoIdentifiers.pad(month, 2))-\(DemoIdentifiers.pad(day, 2))",
            capital,
            String(r.int(in: 1...12)),
            scope,
            status,
            "福州市\(district.name)市场监督管理局",
            updated,
        ]
    }
}
