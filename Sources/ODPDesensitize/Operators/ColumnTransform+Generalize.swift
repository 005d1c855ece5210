import ODPCore

extension ColumnTransform {
    /// Writes the generalized value; false blanks the cell (a value that cannot be
    /// generalized is not published as it is: fail closed).
    func generalize(_ g: Operator.Generalization, _ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        switch g {
        case .yearMonth, .year:
            guard let d = parseDate(cell) else { return false }
            appendDigits(d.year, width: 4, into: &out)
            if case .yearMonth = g { out.append(UInt8(ascii: "-")); appendDigits(d.month, width: 2, into: &out) }
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
            if let top, v >= top { out.append(contentsOf: Array("≥\(Self.format(top, like: width ?? top))".utf8)); return true }
            if let bottom, v < bottom { out.append(contentsOf: Array("<\(Self.format(bottom, like: width ?? bottom))".utf8)); return true }
            guard let width else { out.append(contentsOf: cell); return true }
            let low = (v / width).rounded(.down) * width
            let label: String
            if field.type == .integer, width == width.rounded() {
                label = "\(Int64(low))-\(Int64(low + width) - 1)"
            } else {
                label = "[\(Self.format(low, like: width)),\(Self.format(low + width, like: width)))"
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
        if field.type != .string { return parseDate(cell) }
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
