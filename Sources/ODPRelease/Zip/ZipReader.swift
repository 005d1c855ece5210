import CZlib
import Crypto
import Foundation
import ODPCore

/// Reads a zip's central directory and streams entries through raw inflate, for
/// verification without unpacking to disk.
struct ZipReader {
    struct Entry {
        var name: String
        var method: UInt16
        var crc: UInt32
        var compressed: Int
        var size: Int
        var localOffset: Int
    }

    let data: Data
    let path: String
    private(set) var entries: [Entry] = []

    init(url: URL) throws {
        path = url.path
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch { throw ODPError.io(url.path, "无法读取 zip 文件（cannot read the zip）") }
        entries = try readCentralDirectory()
    }

    private func u16(_ at: Int) -> Int { Int(data[data.startIndex + at]) | Int(data[data.startIndex + at + 1]) << 8 }
    private func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
    private func u64(_ at: Int) -> Int { u32(at) | u32(at + 4) << 32 }

    private func readCentralDirectory() throws -> [Entry] {
        let n = data.count
        var eocd = -1
        var i = n - 22
        while i >= max(0, n - 22 - 0xFFFF) {
            if u32(i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw ODPError.io(path, "不是 zip 文件（not a zip：找不到中央目录结尾）") }
        var count = u16(eocd + 10)
        var cdOffset = u32(eocd + 16)
        if (count == 0xFFFF || cdOffset == 0xFFFF_FFFF), eocd >= 20, u32(eocd - 20) == 0x0706_4B50 {
            let record = u64(eocd - 20 + 8)
            guard record + 56 <= n, u32(record) == 0x0606_4B50 else { throw ODPError.io(path, "Zip64 结尾记录损坏（bad Zip64 end record）") }
            count = u64(record + 32)
            cdOffset = u64(record + 48)
        }
        var entries: [Entry] = []
        var p = cdOffset
        for _ in 0..<count {
            guard p + 46 <= n, u32(p) == 0x0201_4B50 else { throw ODPError.io(path, "中央目录条目损坏（bad central directory entry）") }
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            let name = String(decoding: data[(data.startIndex + p + 46)..<(data.startIndex + p + 46 + nameLength)], as: UTF8.self)
            var e = Entry(name: name, method: UInt16(u16(p + 10)), crc: UInt32(u32(p + 16)), compressed: u32(p + 20), size: u32(p + 24),
                          localOffset: u32(p + 42))
            var x = p + 46 + nameLength
            let extraEnd = x + extraLength
            while x + 4 <= extraEnd {
                let id = u16(x), length = u16(x + 2)
                if id == 1 {
                    var f = x + 4
                    if e.size == 0xFFFF_FFFF { e.size = u64(f); f += 8 }
                    if e.compressed == 0xFFFF_FFFF { e.compressed = u64(f); f += 8 }
                    if e.localOffset == 0xFFFF_FFFF { e.localOffset = u64(f) }
                }
                x += 4 + length
            }
            entries.append(e)
            p = extraEnd + commentLength
        }
        return entries
    }

    /// zlib counts input in 32-bit units: entries over 4 GiB are fed in windows of this size.
    static let window = 1 << 30

    /// Streams the entry's uncompressed bytes; checks its CRC-32 and size.
    func read(_ e: Entry, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        let lh = e.localOffset
        guard lh + 30 <= data.count, u32(lh) == 0x0403_4B50 else { throw ODPError.io(path, "\(e.name)：本地文件头损坏（bad local header）") }
        let start = lh + 30 + u16(lh + 26) + u16(lh + 28)
        guard start + e.compressed <= data.count else { throw ODPError.io(path, "\(e.name): truncated") }
        var crc: uLong = 0
        var total = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let src = raw.baseAddress!.advanced(by: start).assumingMemoryBound(to: UInt8.self)
            if e.method == 0 {
                var at = 0
                while at < e.compressed {
                    let n = min(Self.window, e.compressed - at)
                    crc = crc32(crc, src + at, uInt(n)); total += n
                    body(UnsafeRawBufferPointer(start: src + at, count: n))
                    at += n
                }
                return
            }
            guard e.method == 8 else { throw ODPError.io(path, "\(e.name)：不支持的压缩方法 \(e.method)（unsupported method）") }
            var z = z_stream()
            guard inflateInit2_(&z, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw ODPError.io(path, "无法开始解压（inflate init failed）") }
            defer { inflateEnd(&z) }
            z.next_in = UnsafeMutablePointer(mutating: src)
            var unfed = e.compressed
            let size = 1 << 20
            let out = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
            defer { out.deallocate() }
            while true {
                if z.avail_in == 0, unfed > 0 {
                    let n = min(Self.window, unfed)
                    z.avail_in = uInt(n)
                    unfed -= n
                }
                z.next_out = out
                z.avail_out = uInt(size)
                let ret = inflate(&z, Z_NO_FLUSH)
                let produced = size - Int(z.avail_out)
                if produced > 0 {
                    crc = crc32(crc, out, uInt(produced)); total += produced
                    // A zip bomb declares a small size and inflates on: stop at the declared size.
                    guard total <= e.size else { throw ODPError.io(path, "\(e.name)：解压后超过声明的大小 \(e.size) 字节（inflates beyond its declared size of \(e.size) bytes）") }
                    body(UnsafeRawBufferPointer(start: out, count: produced))
                }
                if ret == Z_STREAM_END { break }
                guard ret == Z_OK || (ret == Z_BUF_ERROR && z.avail_in == 0 && unfed > 0) else {
                    throw ODPError.io(path, "\(e.name)：压缩数据损坏（corrupt deflate data）")
                }
            }
        }
        guard UInt32(crc) == e.crc, total == e.size else { throw ODPError.io(path, "\(e.name)：CRC-32 校验值或大小不符（CRC-32 or size mismatch）") }
    }
}
