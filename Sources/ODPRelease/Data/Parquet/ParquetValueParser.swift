import Foundation
import ODPCore

/// Turns a released cell (UTF-8 text) into its column's Parquet value, with the CSV
/// writer's normalisation (`CellText`, `DecimalText`, `DateFormat`, `TimestampText`), so a
/// Parquet value and the CSV cell are the same value. Returns false for a value its type
/// cannot hold.
struct ParquetValueParser {
    /// Room for the fast path's output; `slow` for `DecimalText`'s.
    private var scratch = [UInt8](repeating: 0, count: 64)
    private var slow: [UInt8] = []

    /// Appends column `c` of every row of `cells`; returns the first row whose value its type
    /// cannot hold (nothing of that row or after it is appended), or nil. The type is looked
    /// at once per batch, and text (the common column) goes straight to the column.
    mutating func append(_ cells: RowBatch.Cells, column c: Int, rows: Int, to column: inout ParquetColumnWriter) -> Int? {
        if case .string = column.type.value {
            for row in 0..<rows {
                if let cell = cells[row, c] { column.append(cell.baseAddress ?? UnsafePointer(bitPattern: 1)!, cell.count) } else { column.appendNull() }
            }
            return nil
        }
        for row in 0..<rows {
            guard let cell = cells[row, c] else { column.appendNull(); continue }
            guard append(cell, to: &column) else { return row }
        }
        return nil
    }

    @inline(__always)
    private mutating func append(_ cell: UnsafeBufferPointer<UInt8>, to column: inout ParquetColumnWriter) -> Bool {
        let p = cell.baseAddress ?? UnsafePointer(bitPattern: 1)!
        switch column.type.value {
        case .string:
            column.append(p, cell.count)
            return true
        case .integer:
            guard let v = decimal(cell, scale: nil), v.scale == 0 else { return false }
            return fixed(v.unscaled, &column)
        case .decimal(let scale):
            guard let v = decimal(cell, scale: scale) else { return false }
            return fixed(v.unscaled, &column)
        case .double:
            guard let v = double(cell) else { return false }
            return fixed(v, &column)
        case .boolean:
            guard let v = CellText.parseBoolean(p, cell.count) else { return false }
            return fixed(UInt8(v ? 1 : 0), &column)
        case .date(let formats):
            guard let v = civil(cell, formats) else { return false }
            return fixed(Int32(CivilDays.days(v.year, v.month, v.day)), &column)
        case .datetime(let formats):
            guard let v = civil(cell, formats) else { return false }
            return fixed(Self.micros(v, fraction: 0), &column)
        case .timestamp(let zone):
            guard let v = TimestampText.parse(cell) else { return false }
            // Sub-microsecond digits would be lost: not the CSV's value.
            var fraction = v.fraction
            var digits = v.fractionDigits
            while digits > 6 { guard fraction % 10 == 0 else { return false }; fraction /= 10; digits -= 1 }
            while digits < 6 { fraction *= 10; digits += 1 }
            var micros = Self.micros(v.civil, fraction: fraction)
            if let offset = v.offset ?? zone { micros -= Int64(offset) * 1_000_000 }
            if v.offset != nil { column.sawOffset = true } else { column.sawLocal = true }
            return fixed(micros, &column)
        }
    }

    @inline(__always)
    private func fixed<T>(_ value: T, _ column: inout ParquetColumnWriter) -> Bool {
        withUnsafeBytes(of: value) { column.append($0.baseAddress!, $0.count) }
        return true
    }

    private static func micros(_ v: CivilDateTime, fraction: Int) -> Int64 {
        let seconds = Int64(CivilDays.days(v.year, v.month, v.day)) * 86_400 + Int64(v.hour * 3600 + v.minute * 60 + v.second)
        return seconds * 1_000_000 + Int64(fraction)
    }

    private func civil(_ cell: UnsafeBufferPointer<UInt8>, _ formats: [DateFormat]) -> CivilDateTime? {
        for format in formats { if let v = format.parse(cell) { return v } }
        return nil
    }

    /// The cell as the CSV writes it (`-?digits(.digits)?`, `scale` fraction digits when given),
    /// read as an unscaled integer; nil past 18 digits or when it is no number.
    private mutating func decimal(_ cell: UnsafeBufferPointer<UInt8>, scale: Int?) -> (unscaled: Int64, scale: Int)? {
        normalized(cell, scale: scale) { text -> (Int64, Int)? in
            var unscaled: Int64 = 0
            var digits = 0, fraction = -1
            var negative = false
            for c in text {
                if c == 0x2D { negative = true; continue }
                if c == 0x2E { fraction = 0; continue }
                guard CellText.isDigit(c) else { return nil }
                if digits > 0 || c != 0x30 { digits += 1 }
                guard digits <= ParquetColumnType.decimalPrecision else { return nil }
                unscaled = unscaled * 10 + Int64(c - 0x30)
                if fraction >= 0 { fraction += 1 }
            }
            return (negative ? -unscaled : unscaled, max(0, fraction))
        } ?? nil
    }

    /// strtod of the normalised text: correctly rounded, as every CSV reader parses it.
    private mutating func double(_ cell: UnsafeBufferPointer<UInt8>) -> Double? {
        normalized(cell, scale: nil) { text -> Double? in
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { c in
                for k in 0..<text.count { c[k] = CChar(bitPattern: text[k]) }
                c[text.count] = 0
                var end: UnsafeMutablePointer<CChar>?
                let v = strtod(c.baseAddress!, &end)
                return end == c.baseAddress! + text.count ? v : nil
            }
        } ?? nil
    }

    /// Calls `body` with the number as the CSV writer normalises it (its fast path first, as
    /// it does); nil when the cell is no number.
    private mutating func normalized<R>(_ cell: UnsafeBufferPointer<UInt8>, scale: Int?, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard let p = cell.baseAddress, cell.count > 0 else { return nil }
        let need = cell.count + 2 + (scale ?? 0)
        if scratch.count < need { scratch = [UInt8](repeating: 0, count: max(need, 2 * scratch.count)) }
        let fast = scratch.withUnsafeMutableBufferPointer { b -> R? in
            guard let n = CellText.normalizeNumber(p, cell.count, scale: scale, into: b.baseAddress!) else { return nil }
            return body(UnsafeBufferPointer(rebasing: b[0..<n]))
        }
        if let fast { return fast }
        slow.removeAll(keepingCapacity: true)
        guard DecimalText.normalize(cell, scale: scale, into: &slow) else { return nil }
        return slow.withUnsafeBufferPointer(body)
    }
}
