import Foundation
import ODPCore

/// Streams an RFC 4180 file record by record, giving the raw (still quoted) byte range of
/// each field, so fingerprints can be taken over exactly the bytes the writer produced.
final class CSVRecordReader {
    private let handle: FileHandle
    private let path: String
    private let blockSize: Int

    init(url: URL, blockSize: Int = 4 << 20) throws {
        guard let h = FileHandle(forReadingAtPath: url.path) else { throw ODPError.io(url.path, "无法打开 CSV 文件（cannot open）") }
        handle = h
        path = url.path
        self.blockSize = blockSize
    }

    deinit { try? handle.close() }

    /// Calls `body` with the buffer base and the raw field ranges of each record (header included).
    func forEachRecord(_ body: (UnsafePointer<UInt8>, [Range<Int>]) throws -> Void) throws {
        var buffer: [UInt8] = []
        var atEOF = false
        var first = true
        var fields: [Range<Int>] = []
        while true {
            if !atEOF {
                let block = try handle.read(upToCount: blockSize) ?? Data()
                if block.isEmpty { atEOF = true } else { buffer.append(contentsOf: block) }
            }
            if first, buffer.count >= 3 || atEOF {
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }
                first = false
            }
            var consumed = 0
            try buffer.withUnsafeBufferPointer { buf in
                guard let p = buf.baseAddress else { return }
                let n = buf.count
                var pos = 0
                while pos < n {
                    fields.removeAll(keepingCapacity: true)
                    var i = pos
                    var fieldStart = i
                    var inQuotes = false
                    var complete = false
                    var end = i
                    while i < n {
                        let c = p[i]
                        if inQuotes {
                            if c == 0x22 {
                                if i + 1 < n, p[i + 1] == 0x22 { i += 2; continue }
                                if i + 1 >= n, !atEOF { break }
                                inQuotes = false
                            }
                            i += 1
                            continue
                        }
                        if c == 0x22 { inQuotes = true; i += 1; continue }
                        if c == 0x2C { fields.append(fieldStart..<i); i += 1; fieldStart = i; continue }
                        if c == 0x0A || c == 0x0D {
                            if c == 0x0D, i + 1 >= n, !atEOF { break }
                            fields.append(fieldStart..<i)
                            end = (c == 0x0D && i + 1 < n && p[i + 1] == 0x0A) ? i + 2 : i + 1
                            complete = true
                            break
                        }
                        i += 1
                    }
                    if !complete {
                        if !atEOF { break }
                        // The last record may lack a line end.
                        fields.append(fieldStart..<n)
                        end = n
                    }
                    try body(p, fields)
                    pos = end
                    consumed = end
                }
            }
            buffer.removeFirst(consumed)
            if atEOF { break }
        }
    }

    /// The decoded value of a raw field (outer quotes removed, doubled quotes undone).
    static func unquoted(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        guard range.count >= 2, base[range.lowerBound] == 0x22, base[range.upperBound - 1] == 0x22 else {
            return Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
        }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound + 1
        while i < range.upperBound - 1 {
            out.append(base[i])
            if base[i] == 0x22 { i += 1 }
            i += 1
        }
        return out
    }
}
