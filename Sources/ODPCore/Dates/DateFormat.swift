/// A source date/time layout such as `YYYY-MM-DD`, `YYYYMMDD` or `YYYY/M/D hh:mm:ss`,
/// parsed from bytes without Foundation (DateFormatter is slow and locale-dependent).
///
/// Tokens: `YYYY` year; `MM`/`DD`/`hh`/`mm`/`ss` exactly two digits; `M`/`D`/`h` one or two
/// digits. Anything else is a literal that must match. `T` is a literal too.
public struct DateFormat: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case year, month2, month, day2, day, hour2, hour, minute2, second2
        case literal(UInt8)
    }

    let tokens: [Token]
    public let pattern: String
    /// For layouts of fixed-width tokens only, at most 32 bytes (`YYYY-MM-DD`,
    /// `YYYYMMDD hh:mm:ss` …, nearly all real ones): the width, and as four little-endian
    /// words 0xFF where a digit goes and the literal bytes elsewhere. Such text is checked
    /// eight bytes at a time: walking the tokens cost about 300 instructions a cell, and a
    /// date column is parsed by its type check, its range rule and the writer.
    private let width: Int
    private let digitMask: Words
    private let literals: Words
    private typealias Words = (UInt64, UInt64, UInt64, UInt64)
    /// Where each field starts in a fixed-width layout, -1 when absent.
    private let at: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
    /// Reads native timestamp text (`TimestampText`) instead of the layout.
    private var native = false

    public init?(_ pattern: String) {
        var tokens: [Token] = []
        let bytes = Array(pattern.utf8)
        var i = 0
        func starts(_ s: String) -> Bool {
            let t = Array(s.utf8)
            return i + t.count <= bytes.count && Array(bytes[i..<(i + t.count)]) == t
        }
        while i < bytes.count {
            if starts("YYYY") { tokens.append(.year); i += 4 }
            else if starts("MM") { tokens.append(.month2); i += 2 }
            else if starts("M") { tokens.append(.month); i += 1 }
            else if starts("DD") { tokens.append(.day2); i += 2 }
            else if starts("D") { tokens.append(.day); i += 1 }
            else if starts("hh") { tokens.append(.hour2); i += 2 }
            else if starts("h") { tokens.append(.hour); i += 1 }
            else if starts("mm") { tokens.append(.minute2); i += 2 }
            else if starts("ss") { tokens.append(.second2); i += 2 }
            else if bytes[i] >= 0x80 || !(bytes[i] >= 0x41 && bytes[i] <= 0x5a) && !(bytes[i] >= 0x61 && bytes[i] <= 0x7a) || bytes[i] == UInt8(ascii: "T") {
                tokens.append(.literal(bytes[i])); i += 1
            } else { return nil }
        }
        guard tokens.contains(.year) || tokens.contains(.hour2) || tokens.contains(.hour) else { return nil }
        self.tokens = tokens
        self.pattern = pattern
        var layout: [UInt8]? = []  // 0 for a digit, else the literal byte
        var at = (year: -1, month: -1, day: -1, hour: -1, minute: -1, second: -1)
        for token in tokens {
            let offset = layout?.count ?? 0
            switch token {
            case .year: at.year = offset; layout?.append(contentsOf: [0, 0, 0, 0])
            case .month2: at.month = offset; layout?.append(contentsOf: [0, 0])
            case .day2: at.day = offset; layout?.append(contentsOf: [0, 0])
            case .hour2: at.hour = offset; layout?.append(contentsOf: [0, 0])
            case .minute2: at.minute = offset; layout?.append(contentsOf: [0, 0])
            case .second2: at.second = offset; layout?.append(contentsOf: [0, 0])
            case .literal(let b) where b != 0: layout?.append(b)
            default: layout = nil
            }
        }
        var mask: Words = (0, 0, 0, 0), literals: Words = (0, 0, 0, 0)
        if let layout, layout.count <= 32 {
            withUnsafeMutableBytes(of: &mask) { m in
                withUnsafeMutableBytes(of: &literals) { l in
                    for (i, b) in layout.enumerated() { if b == 0 { m[i] = 0xFF } else { l[i] = b } }
                }
            }
            width = layout.count
        } else {
            width = -1
        }
        digitMask = mask
        self.literals = literals
        self.at = at
    }

    // The tokens follow from the pattern, so the pattern alone decides equality.
    public static func == (a: DateFormat, b: DateFormat) -> Bool { a.pattern == b.pattern && a.native == b.native }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(native)
    }

    public static let isoDate = DateFormat("YYYY-MM-DD")!
    public static let isoDateTime = DateFormat("YYYY-MM-DDThh:mm:ss")!
    /// A `datetime` field without `format`: what PostgreSQL, openGauss and KingbaseES write
    /// (`T` or space, fractional seconds, `Z`/`+08`/`+08:00`), read as the wall time it states,
    /// so that every rule on the field (type, `date_range`, expressions, timeliness) accepts
    /// the same text the writer publishes.
    public static let nativeTimestamp: DateFormat = {
        var f = DateFormat("YYYY-MM-DD hh:mm:ss")!
        f.native = true
        return f
    }()

    /// Parses and checks the calendar (no 2月30日). Returns nil when the text does not fit.
    public func parse(_ text: UnsafeBufferPointer<UInt8>) -> CivilDateTime? {
        if native { return TimestampText.parse(text)?.civil }
        if width >= 0 { return parseFixed(text) }
        var v = CivilDateTime(year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0)
        var i = 0
        let n = text.count
        @inline(__always) func digits(_ minCount: Int, _ maxCount: Int) -> Int? {
            var value = 0, count = 0
            while count < maxCount, i < n, text[i] >= 0x30, text[i] <= 0x39 {
                value = value * 10 + Int(text[i] - 0x30); i += 1; count += 1
            }
            return count >= minCount ? value : nil
        }
        for token in tokens {
            switch token {
            case .year: guard let x = digits(4, 4) else { return nil }; v.year = x
            case .month2: guard let x = digits(2, 2) else { return nil }; v.month = x
            case .month: guard let x = digits(1, 2) else { return nil }; v.month = x
            case .day2: guard let x = digits(2, 2) else { return nil }; v.day = x
            case .day: guard let x = digits(1, 2) else { return nil }; v.day = x
            case .hour2: guard let x = digits(2, 2) else { return nil }; v.hour = x
            case .hour: guard let x = digits(1, 2) else { return nil }; v.hour = x
            case .minute2: guard let x = digits(2, 2) else { return nil }; v.minute = x
            case .second2: guard let x = digits(2, 2) else { return nil }; v.second = x
            case .literal(let b): guard i < n, text[i] == b else { return nil }; i += 1
            }
        }
        guard i == n, v.isValid else { return nil }
        return v
    }

    private func parseFixed(_ text: UnsafeBufferPointer<UInt8>) -> CivilDateTime? {
        guard text.count == width else { return nil }
        var words: Words = (0, 0, 0, 0)
        if let base = text.baseAddress {
            withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: width) }
        }
        // Words past the width are zero in text, mask and literals alike, so they need no test.
        guard Self.fits(words.0, digitMask.0, literals.0), width <= 8 || Self.fits(words.1, digitMask.1, literals.1),
              width <= 16 || Self.fits(words.2, digitMask.2, literals.2), width <= 24 || Self.fits(words.3, digitMask.3, literals.3)
        else { return nil }
        @inline(__always) func two(_ i: Int, _ absent: Int) -> Int {
            i < 0 ? absent : Int(text[i] &- 0x30) &* 10 &+ Int(text[i &+ 1] &- 0x30)
        }
        let v = CivilDateTime(year: at.year < 0 ? 0 : two(at.year, 0) &* 100 &+ two(at.year &+ 2, 0), month: two(at.month, 1),
                              day: two(at.day, 1), hour: two(at.hour, 0), minute: two(at.minute, 0), second: two(at.second, 0))
        return v.isValid ? v : nil
    }

    /// Eight bytes match: literals where `mask` is 0, ASCII digits where it is 0xFF.
    @inline(__always)
    private static func fits(_ word: UInt64, _ mask: UInt64, _ literals: UInt64) -> Bool {
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0 & mask, threes: UInt64 = 0x3030_3030_3030_3030 & mask
        let digits = word & mask
        // 0x30–0x3F have high nibble 3; adding 6 keeps it 3 only for 0x30–0x39 (no carry
        // leaves a byte, as each is at most 0x3F by then).
        return word & ~mask == literals && digits & high == threes
            && (digits &+ (0x0606_0606_0606_0606 & mask)) & high == threes
    }

    public func parse(_ text: String) -> CivilDateTime? {
        var text = text
        return text.withUTF8 { parse($0) }
    }
}

extension Array where Element == DateFormat {
    /// The text read by the first of these layouts that fits it, or nil.
    ///
    /// By index: `for format in self` copies each layout, a retain and release of its
    /// storage per cell.
    @inlinable
    public func parse(_ text: UnsafeBufferPointer<UInt8>) -> CivilDateTime? {
        for i in indices { if let d = self[i].parse(text) { return d } }
        return nil
    }
}

/// A calendar date and wall-clock time without a time zone, as government records hold them.
public struct CivilDateTime: Sendable, Hashable, Comparable {
    public var year, month, day, hour, minute, second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        default: return 0
        }
    }

    public var isValid: Bool {
        year >= 1 && (1...12).contains(month) && day >= 1 && day <= Self.daysIn(month: month, year: year)
            && (0...23).contains(hour) && (0...59).contains(minute) && (0...60).contains(second)
    }

    /// A sortable integer (YYYYMMDDhhmmss), handy for comparisons and watermarks.
    public var ordinal: Int64 {
        Int64(year) * 10_000_000_000 + Int64(month) * 100_000_000 + Int64(day) * 1_000_000
            + Int64(hour) * 10_000 + Int64(minute) * 100 + Int64(second)
    }

    public static func < (a: CivilDateTime, b: CivilDateTime) -> Bool { a.ordinal < b.ordinal }

    /// Appends `YYYY-MM-DD` (and `THH:MM:SS` when `time`) as UTF-8.
    public func appendISO(to out: inout [UInt8], time: Bool) {
        @inline(__always) func two(_ x: Int) { out.append(UInt8(0x30 + x / 10)); out.append(UInt8(0x30 + x % 10)) }
        out.append(UInt8(0x30 + year / 1000 % 10)); out.append(UInt8(0x30 + year / 100 % 10)); two(year % 100)
        out.append(UInt8(ascii: "-")); two(month); out.append(UInt8(ascii: "-")); two(day)
        if time { out.append(UInt8(ascii: "T")); two(hour); out.append(UInt8(ascii: ":")); two(minute); out.append(UInt8(ascii: ":")); two(second) }
    }

    public var isoDate: String { var o: [UInt8] = []; appendISO(to: &o, time: false); return String(decoding: o, as: UTF8.self) }
    public var isoDateTime: String { var o: [UInt8] = []; appendISO(to: &o, time: true); return String(decoding: o, as: UTF8.self) }
}
