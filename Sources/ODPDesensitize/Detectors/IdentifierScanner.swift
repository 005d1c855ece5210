import Foundation
import ODPCore

/// Finds Chinese personal identifiers inside one cell, on its UTF-8 bytes, in one pass and
/// without a regex engine (the gate scans every outgoing cell, so this is the hot path).
///
/// The cell is cut into maximal runs of `[0-9A-Za-z.@_%+:-]`; a run with `@` may be an
/// e-mail, with `:` an IPv6 address, of digits and dots an IPv4 address (or a version or
/// decimal number, which is skipped as a whole). Other runs are read as chains of
/// alphanumeric words joined by `-` (or by single spaces between digit groups) and a chain
/// must match an identifier *as a whole*: a phone number inside a 20-digit order number or
/// after `ORD-` does not match. Every candidate is validated (check digit, birth date,
/// province code, Luhn and IIN, number prefixes) to keep false positives down.
///
/// What each kind requires is its detector's, in `Detectors/Units` (`DetectorRegistry`,
/// README's detector table); `person_name` only when `nameLike`.
public struct IdentifierScanner: Sendable {
    /// Birth dates after this day (YYYYMMDD) are not real.
    let today: Int
    /// `ByteClass.pointer`, read once here: the static's lazy-initialisation check cost a
    /// call per scanned cell.
    nonisolated(unsafe) let byteClasses: UnsafePointer<UInt8> = ByteClass.pointer

    /// - Parameter today: the run date (birth dates after it are rejected); defaults to the
    ///   system date, pass `StageContext.runDate` for deterministic runs.
    public init(today: CivilDateTime? = nil) {
        if let today {
            self.today = today.year * 10000 + today.month * 100 + today.day
        } else {
            let c = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
            self.today = (c.year ?? 2100) * 10000 + (c.month ?? 1) * 100 + (c.day ?? 1)
        }
    }

    /// Calls `found` for each identifier, with its byte range in `cell`, in order.
    /// - Parameters:
    ///   - nameLike: the field holds names (姓名, 联系人 …); enables `person_name`.
    ///   - cardLabelled: the field is labelled as a card number; Luhn alone suffices.
    public func scan(_ cell: UnsafeBufferPointer<UInt8>, nameLike: Bool, cardLabelled: Bool = false,
                     _ found: (IdentifierKind, Range<Int>) -> Void) {
        let n = cell.count
        guard n > 0 else { return }
        if nameLike { ChineseNames.scan(cell, found) }
        // Every other kind needs a digit, `:` (IPv6) or `@` (e-mail): most cells have none.
        guard Self.mayHoldIdentifier(cell) else { return }
        do {
            let table = UnsafeBufferPointer(start: byteClasses, count: 256)
            var i = 0
            let base = cell.baseAddress!
            while i < n {
                // Chinese text is most of the bytes: skip eight non-ASCII bytes at a time (a
                // continuation byte left over is skipped below as a non-identifier byte).
                while i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0x8080_8080_8080_8080 {
                    i += 8
                }
                guard i < n else { break }
                let b = cell[i]
                if b >= 0xC0 { i += b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2; continue }
                if table[Int(b)] & ByteClass.wide == 0 { i += 1; continue }
                var j = i
                var seen: UInt8 = 0
                while j < n {
                    let c = table[Int(cell[j])]
                    if c & ByteClass.wide == 0 { break }
                    seen |= c
                    j += 1
                }
                let hasAlpha = seen & ByteClass.alpha != 0
                // A run without digits can hold nothing but an e-mail address.
                if seen & (ByteClass.digit | ByteClass.at) != 0 {
                    let run = RunScanner(p: cell, table: table, today: today, cardLabelled: cardLabelled)
                    i = run.process(i, j, seen: seen, hasAlpha: hasAlpha, found)
                } else {
                    i = j
                }
            }
        }
    }

    /// Whether any byte is `0`–`9`, `:` or `@`, eight bytes at a time (the "has between"
    /// and "has zero byte" bit tricks; bytes ≥ 0x80 never match).
    @inline(__always)
    static func mayHoldIdentifier(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = cell.count
        guard let base = cell.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var i = 0
        while i + 8 <= n {
            let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            // Bytes strictly between 0x2F and 0x3B: digits and `:`.
            let t = x & low7
            let between = (ones &* (127 + 0x3B) &- t) & ~x & (t &+ ones &* (127 - 0x2F)) & high
            // Bytes equal to '@'.
            let y = x ^ (ones &* 0x40)
            let at = (y &- ones) & ~y & high
            if between | at != 0 { return true }
            i += 8
        }
        while i < n {
            let b = base[i]
            if (b >= 0x30 && b <= 0x3A) || b == 0x40 { return true }
            i += 1
        }
        return false
    }

    /// Convenience for tests and edges: the hits as (kind, matched text).
    public func scan(_ text: String, nameLike: Bool = false, cardLabelled: Bool = false) -> [(IdentifierKind, String)] {
        var text = text
        var out: [(IdentifierKind, String)] = []
        text.withUTF8 { p in
            scan(p, nameLike: nameLike, cardLabelled: cardLabelled) { kind, range in
                out.append((kind, String(decoding: UnsafeBufferPointer(rebasing: p[range]), as: UTF8.self)))
            }
        }
        return out
    }
}

/// Byte classes for the run scanner.
enum ByteClass {
    static let digit: UInt8 = 1
    static let alpha: UInt8 = 2
    static let wide: UInt8 = 4
    static let at: UInt8 = 8
    static let colon: UInt8 = 16
    static let dot: UInt8 = 32
    static let other: UInt8 = 64

    /// Allocated once and never freed: the hot loop reads it without reference counting.
    nonisolated(unsafe) static let pointer: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        p.initialize(from: table, count: 256)
        return UnsafePointer(p)
    }()

    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(b)] = digit | wide }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(b)] = alpha | wide }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(b)] = alpha | wide }
        t[Int(UInt8(ascii: "@"))] = at | wide
        t[Int(UInt8(ascii: ":"))] = colon | wide
        t[Int(UInt8(ascii: "."))] = dot | wide
        for b in "_%+-".utf8 { t[Int(b)] = other | wide }
        return t
    }()
}
