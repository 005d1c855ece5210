import ODPCore

struct GeneralizeOperator: OperatorUnit {
    static let slug = "generalize"
    static let parameters: String? = "`to`: `year_month`, `year`, `age_band` (`width` default 5, `top`), `region` (`region_level: city\\|province`, `name: true` for the GB/T 2260 name), `district` (address cut to 区/县), `range` (`width`, `top`, `bottom`)"
    static let summary = UnitSummary(chinese: "泛化：日期到年月或年，出生日期到年龄段，区划到地市或省，地址到区县，数值到区间",
                                     english: "Coarsens dates, ages, regions, addresses or numbers to `to`")
    static let findings = ["已泛化到年月", "已泛化到年", "已泛化为 {width} 岁一档的年龄段（按 {run_date} 计算）", "行政区划已泛化到{level}级",
                           "地址已截取到区/县级", "数值已泛化：{ranges}"]

    /// The `to:` values.
    static let targets = ["year_month", "year", "age_band", "region", "district", "range"]

    enum Target {
        case yearMonth, year
        case ageBand(width: Int, top: Int?)
        case region(digits: Int, name: Bool)
        case district
        case range(width: Double?, top: Double?, bottom: Double?)
    }

    let target: Target

    static func parse(_ op: OperatorParse) -> GeneralizeOperator? {
        parseTarget(op.r, label: op.label, field: op.field).map(GeneralizeOperator.init)
    }

    private static func parseTarget(_ r: ConfigReader, label: String, field: FieldDefinition) -> Target? {
        guard let to = r.choice("to", of: targets, required: true) else { return nil }
        let location = r.raw("to")?.location
        let dateLike: Set<FieldType> = [.date, .datetime]
        switch to {
        case "year_month", "year":
            guard dateLike.contains(field.type) || (to == "year" && field.type == .yearmonth) else {
                r.error("\(label)：`to: \(to)` 需要日期字段（needs a date field），`\(field.name)` 是 \(field.type.rawValue)", at: location)
                return nil
            }
            return to == "year" ? .year : .yearMonth
        case "age_band":
            guard dateLike.contains(field.type) || field.type == .string else {
                r.error("\(label)：`to: age_band` 需要出生日期或身份证号字段", at: location)
                return nil
            }
            return .ageBand(width: r.int("width", range: 1...50) ?? 5, top: r.int("top", range: 1...150))
        case "region":
            let level = r.choice("region_level", of: ["city", "province"], default: "city") ?? "city"
            return .region(digits: level == "city" ? 4 : 2, name: r.bool("name") ?? false)
        case "district":
            return .district
        default:
            guard field.type == .integer || field.type == .number else {
                r.error("\(label)：`to: range` 需要 integer 或 number 字段", at: location)
                return nil
            }
            let width = r.double("width"), top = r.double("top"), bottom = r.double("bottom")
            if width == nil, top == nil, bottom == nil {
                r.error("\(label)：`to: range` 需要 `width`、`top` 或 `bottom`", at: location)
                return nil
            }
            if let width, width <= 0 { r.error("\(label).width 必须大于 0", at: r.raw("width")?.location); return nil }
            return .range(width: width, top: top, bottom: bottom)
        }
    }

    func output(_ field: FieldDefinition) -> FieldDefinition? {
        switch target {
        case .yearMonth: return field.retyped(.yearmonth)
        case .year: return field.retyped(.year)
        case .range(let width, _, _): return width == nil ? field : field.retyped(.string)
        default: return field.retyped(.string)
        }
    }

    var needs: [OperatorNeed] {
        if case .region(_, true) = target { return [.regionNames] }
        return []
    }

    func compile(_ c: OperatorCompile) throws -> any CellOperator {
        var regions: CodeTable?
        if case .region(_, true) = target {
            guard let table = c.context.codeTables["gb2260"] else {
                throw ODPError.usage("字段 `\(c.field.name)`：`name: true` 需要 gb2260 代码表（odp.yml 中的 code_tables.gb2260）")
            }
            regions = table
        }
        var formats: [DateFormat] = []
        if let f = c.field.format.flatMap(DateFormat.init) { formats.append(f) }
        for p in ["YYYY-MM-DD", "YYYYMMDD", "YYYY/M/D", "YYYY-MM-DDThh:mm:ss", "YYYY-MM-DD hh:mm:ss", "YYYY-MM", "YYYY年M月D日"] {
            if let f = DateFormat(p) { formats.append(f) }
        }
        return Cell(target: target, fieldType: c.field.type, dateFormats: formats, regions: regions, runDate: c.context.runDate)
    }

    func note(_ c: OperatorNote) -> String {
        switch target {
        case .yearMonth: return "已泛化到年月"
        case .year: return "已泛化到年"
        case .ageBand(let width, let top): return "已泛化为 \(width) 岁一档的年龄段（按 \(c.context.runDate.isoDate) 计算）\(top.map { "，\($0) 岁及以上合并" } ?? "")"
        case .region(let digits, let name): return "行政区划已泛化到\(digits == 4 ? "地市" : "省")级\(name ? "，以名称表示" : "")"
        case .district: return "地址已截取到区/县级"
        case .range(let width, let top, let bottom):
            var parts: [String] = []
            if let width { parts.append("按 \(NumberText.format(width, like: width)) 分段") }
            if let top { parts.append("\(NumberText.format(top, like: top)) 及以上合并") }
            if let bottom { parts.append("低于 \(NumberText.format(bottom, like: bottom)) 合并") }
            return "数值已泛化：" + parts.joined(separator: "，")
        }
    }

    struct Cell: CellOperator {
        let target: Target
        let fieldType: FieldType
        let dateFormats: [DateFormat]
        let regions: CodeTable?
        /// Ages are counted to this day.
        let runDate: CivilDateTime

        func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
                   found: (IdentifierKind) -> Void) -> CellResult {
            generalize(cell, into: &out) ? .scratch : .null
        }

        /// Writes the generalized value; false blanks the cell (a value that cannot be
        /// generalized is not published as it is: fail closed).
        func generalize(_ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
            switch target {
            case .yearMonth, .year:
                guard let d = parseDate(cell) else { return false }
                appendDigits(d.year, width: 4, into: &out)
                if case .yearMonth = target { out.append(UInt8(ascii: "-")); appendDigits(d.month, width: 2, into: &out) }
                return true
            case .ageBand(let width, let top):
                guard let birth = birthDate(cell) else { return false }
                var age = runDate.year - birth.year
                if (runDate.month, runDate.day) < (birth.month, birth.day) { age -= 1 }
                guard age >= 0, age <= 150 else { return false }
                if let top, age >= top {
                    out.append(contentsOf: Array("\(top)+".utf8))
                    return true
                }
                let low = age / width * width
                out.append(contentsOf: Array((width == 1 ? "\(low)" : "\(low)-\(low + width - 1)").utf8))
                return true
            case .region(let digits, let name):
                guard cell.count >= 6, cell[0..<6].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
                guard name, let regions else {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[0..<digits]))
                    return true
                }
                let code = String(decoding: UnsafeBufferPointer(rebasing: cell[0..<digits]), as: UTF8.self)
                do {
                    let padded = code + String(repeating: "0", count: 6 - digits)
                    // Municipalities have no city-level entry (110100 is 市辖区): fall back to the province.
                    let province = String(code.prefix(2)) + "0000"
                    out.append(contentsOf: Array((regions.name(of: padded) ?? regions.name(of: province) ?? code).utf8))
                }
                return true
            case .district:
                return district(cell, into: &out)
            case .range(let width, let top, let bottom):
                guard let v = DecimalText.parseDouble(cell) else { return false }
                if let top, v >= top { out.append(contentsOf: Array("≥\(NumberText.format(top, like: width ?? top))".utf8)); return true }
                if let bottom, v < bottom { out.append(contentsOf: Array("<\(NumberText.format(bottom, like: width ?? bottom))".utf8)); return true }
                guard let width else { out.append(contentsOf: cell); return true }
                let low = (v / width).rounded(.down) * width
                let label: String
                if fieldType == .integer, width == width.rounded() {
                    label = "\(Int64(low))-\(Int64(low + width) - 1)"
                } else {
                    label = "[\(NumberText.format(low, like: width)),\(NumberText.format(low + width, like: width)))"
                }
                out.append(contentsOf: Array(label.utf8))
                return true
            }
        }

        private func appendDigits(_ x: Int, width: Int, into out: inout [UInt8]) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 { out.append(UInt8(0x30 + x / divisor % 10)); divisor /= 10 }
        }

        func parseDate(_ cell: UnsafeBufferPointer<UInt8>) -> CivilDateTime? {
            if let d = dateFormats.parse(cell) { return d }
            // Date-times with any time part: the date prefix is enough to generalize.
            if cell.count > 10 { return DateFormat.isoDate.parse(UnsafeBufferPointer(rebasing: cell[0..<10])) }
            return nil
        }

        /// A birth date from a date cell or from an 18/15-character ID number.
        func birthDate(_ cell: UnsafeBufferPointer<UInt8>) -> CivilDateTime? {
            if fieldType != .string { return parseDate(cell) }
            var s = 0, e = cell.count
            while s < e, cell[s] == 0x20 { s += 1 }
            while e > s, cell[e - 1] == 0x20 { e -= 1 }
            let n = e - s
            func num(_ from: Int, _ count: Int) -> Int? {
                var v = 0
                for i in from..<(from + count) {
                    let d = Int(cell[s + i]) - 0x30
                    guard d >= 0, d <= 9 else { return nil }
                    v = v * 10 + d
                }
                return v
            }
            let date: CivilDateTime?
            if n == 18, let y = num(6, 4), let m = num(10, 2), let d = num(12, 2) {
                date = CivilDateTime(year: y, month: m, day: d)
            } else if n == 15, let y = num(6, 2), let m = num(8, 2), let d = num(10, 2) {
                date = CivilDateTime(year: 1900 + y, month: m, day: d)
            } else {
                return parseDate(UnsafeBufferPointer(rebasing: cell[s..<e]))
            }
            guard let date, date.isValid else { return nil }
            return date
        }

        /// Cuts an address after its county-level part: the first 区/县/旗/市 (市辖区 included)
        /// after the prefecture (…市, …自治州, …盟, …地区). Without such a part the cell is blanked.
        ///
        /// Two passes over the characters as they are decoded, with no array of them: building
        /// one cost two thirds of the desensitizer's time on a table of addresses.
        func district(_ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
            let shi: UInt32 = 0x5E02, zhou: UInt32 = 0x5DDE, meng: UInt32 = 0x76DF, qu: UInt32 = 0x533A, xian: UInt32 = 0x53BF
            let qi: UInt32 = 0x65D7, di: UInt32 = 0x5730, zhi: UInt32 = 0x6CBB
            let n = cell.count
            /// The character at `i` and where the next one starts.
            @inline(__always) func character(at i: Int) -> (UInt32, Int) {
                let b = cell[i]
                let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                return (ChineseNames.scalar3(cell, i) ?? UInt32(b), min(n, i + length))
            }
            // The prefecture part ends after the first 市/自治州/盟/地区 (a province's own 自治区 is skipped this way).
            // 州 only as 自治州: 苏州市, 广州市 end at their 市.
            var prefectureEnd: Int?
            var i = 0, previous: UInt32 = 0
            while i < n {
                let (c, next) = character(at: i)
                if c == shi || (c == zhou && previous == zhi) || c == meng || (c == qu && previous == di) { prefectureEnd = next; break }
                previous = c
                i = next
            }
            i = prefectureEnd ?? 0
            while i < n {
                let (c, next) = character(at: i)
                if c == qu || c == xian || c == qi || (c == shi && prefectureEnd != nil) {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[0..<next]))
                    return true
                }
                i = next
            }
            guard let prefectureEnd else { return false }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[0..<prefectureEnd]))
            return true
        }
    }
}
