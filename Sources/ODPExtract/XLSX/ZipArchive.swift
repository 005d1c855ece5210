import CZlib
import Foundation
import ODPCore
#if canImport(Glibc)
import Glibc
#endif

/// The entries of a ZIP file (an XLSX workbook), read from its central directory. Only
/// stored and deflated entries, no ZIP64: spreadsheets are far below 4 GB.
final class ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let path: String
    let datasetID: String
    let limits: SourceLimits
    private(set) var fd: Int32
    private(set) var entries: [String: Entry] = [:]

    init(path: String, datasetID: String, limits: SourceLimits) throws {
        self.path = path
        self.datasetID = datasetID
        self.limits = limits
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ODPError.source(datasetID, "无法打开 \(path)（cannot open）：\(String(cString: strerror(errno)))") }
        do { try readDirectory() } catch { close(); throw error }
    }

    deinit { close() }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }

    private func broken(_ why: String) -> ODPError {
        ODPError.source(datasetID, "\(path) 不是可读的 XLSX 文件（\(why)）；请用电子表格程序重新另存为 .xlsx")
    }

    func readBytes(at offset: Int, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        try out.withUnsafeMutableBytes { b in
            while done < count {
                let n = pread(fd, b.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw broken("文件意外结束（unexpected end of file）") }
                done += n
            }
        }
        return out
    }

    private func readDirectory() throws {
        let size = Int(lseek(fd, 0, SEEK_END))
        guard size >= 22 else { throw broken("文件太短（too short）") }
        let tailSize = min(size, 22 + 65_535)
        let tail = try readBytes(at: size - tailSize, count: tailSize)
        var eocd = -1
        var i = tail.count - 22
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4B, tail[i + 2] == 0x05, tail[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw broken("找不到 zip 中央目录结尾（no end of central directory）") }
        let count = Int(le16(tail, eocd + 10))
        let dirSize = Int(le32(tail, eocd + 12))
        let dirOffset = Int(le32(tail, eocd + 16))
        guard dirOffset + dirSize <= size else { throw broken("zip 中央目录超出文件范围（central directory out of range）") }
        let dir = try readBytes(at: dirOffset, count: dirSize)
        var p = 0
        for _ in 0..<count {
            guard p + 46 <= dir.count, le32(dir, p) == 0x0201_4B50 else { throw broken("zip 中央目录条目损坏（bad central directory entry）") }
            let nameLength = Int(le16(dir, p + 28)), extraLength = Int(le16(dir, p + 30)), commentLength = Int(le16(dir, p + 32))
            guard p + 46 + nameLength <= dir.count else { throw broken("zip 中央目录条目损坏（bad central directory entry）") }
            let name = String(decoding: dir[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            entries[name] = Entry(name: name, method: le16(dir, p + 10), compressedSize: Int(le32(dir, p + 20)),
                                  size: Int(le32(dir, p + 24)), localHeaderOffset: Int(le32(dir, p + 42)))
            p += 46 + nameLength + extraLength + commentLength
        }
    }

    /// Where the entry's data starts (after its local header).
    func dataOffset(_ entry: Entry) throws -> Int {
        let header = try readBytes(at: entry.localHeaderOffset, count: 30)
        guard le32(header, 0) == 0x0403_4B50 else { throw broken("\(entry.name) 的 zip 本地文件头损坏（bad local header）") }
        return entry.localHeaderOffset + 30 + Int(le16(header, 26)) + Int(le16(header, 28))
    }

    func input(_ name: String) throws -> ZipEntryInput {
        guard let entry = entries[name] else { throw broken("缺少部件 \(name)（missing part）") }
        if entry.size > limits.maxUncompressedBytes { throw ZipEntryInput.tooLarge(self, entry, entry.size) }
        guard entry.method == 0 || entry.method == 8 else { throw broken("\(name) 使用了不支持的压缩方法 \(entry.method)（unsupported compression method）") }
        return try ZipEntryInput(archive: self, entry: entry, offset: try dataOffset(entry))
    }

    /// A small part (workbook, relationships, styles) inflated whole, at most
    /// `limits.maxWholePartBytes`.
    func contents(_ name: String) throws -> [UInt8] {
        let input = try input(name)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBufferPointer { try input.read(into: $0.baseAddress!, capacity: $0.count) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limits.maxWholePartBytes {
                throw SourceLimits.exceeded(dataset: datasetID, file: path, "部件 \(name) 解压后超过 \(limits.maxWholePartBytes >> 20) MB（此类部件整体读入内存）",
                                            key: "max_styles", limit: "\(limits.maxStyles) 种样式 × 1 KB")
            }
        }
        return out
    }

    private func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}

/// Streams one entry, inflating with zlib as it goes, so a large sheet never sits in memory.
final class ZipEntryInput: ByteInput {
    private let archive: ZipArchive
    private let entry: ZipArchive.Entry
    private var offset: Int
    private var remaining: Int
    private var inflated = 0
    private let stream: UnsafeMutablePointer<z_stream>
    private let chunk: UnsafeMutablePointer<UInt8>
    private let chunkSize = 1 << 16
    private var ended = false

    init(archive: ZipArchive, entry: ZipArchive.Entry, offset: Int) throws {
        self.archive = archive
        self.entry = entry
        self.offset = offset
        remaining = entry.compressedSize
        chunk = .allocate(capacity: chunkSize)
        // zlib keeps a pointer back to the stream, so it needs a fixed address.
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        if entry.method == 8 {
            let rc = inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else { throw ODPError.source(archive.datasetID, "zlib 无法启动（zlib could not start，\(rc)）") }
        }
    }

    deinit {
        if entry.method == 8 { inflateEnd(stream) }
        stream.deallocate()
        chunk.deallocate()
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        if ended { return 0 }
        if entry.method == 0 {
            let n = min(capacity, remaining)
            if n == 0 { ended = true; return 0 }
            let got = pread(archive.fd, buffer, n, off_t(offset))
            guard got > 0 else { throw corrupt() }
            offset += got
            remaining -= got
            return got
        }
        stream.pointee.next_out = buffer
        stream.pointee.avail_out = UInt32(capacity)
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0, remaining > 0 {
                let n = pread(archive.fd, chunk, min(chunkSize, remaining), off_t(offset))
                guard n > 0 else { throw corrupt() }
                offset += n
                remaining -= n
                stream.pointee.next_in = chunk
                stream.pointee.avail_in = UInt32(n)
            }
            let rc = inflate(stream, Z_NO_FLUSH)
            if rc == Z_STREAM_END { ended = true; break }
            if rc == Z_BUF_ERROR, stream.pointee.avail_in == 0, remaining == 0 { throw corrupt() }
            guard rc == Z_OK || rc == Z_BUF_ERROR else { throw corrupt() }
        }
        let produced = capacity - Int(stream.pointee.avail_out)
        inflated += produced
        try checkInflated()
        return produced
    }

    /// Zip bombs: a part that inflates past the size limit, or by a ratio no real sheet has.
    private func checkInflated() throws {
        let limits = archive.limits
        if inflated > limits.maxUncompressedBytes { throw Self.tooLarge(archive, entry, inflated) }
        // Against the compressed bytes inflated so far: a bomb may hide behind a long harmless start.
        let consumed = entry.compressedSize - remaining - Int(stream.pointee.avail_in)
        guard inflated > 1 << 20, inflated / max(consumed, 1) > limits.maxCompressionRatio else { return }
        throw SourceLimits.exceeded(dataset: archive.datasetID, file: archive.path,
                                    "部件 \(entry.name) 的压缩比（compression ratio）超过 \(limits.maxCompressionRatio):1（\(consumed) 字节已解压出 \(inflated) 字节）",
                                    key: "max_compression_ratio", limit: "\(limits.maxCompressionRatio)")
    }

    static func tooLarge(_ archive: ZipArchive, _ entry: ZipArchive.Entry, _ size: Int) -> ODPError {
        SourceLimits.exceeded(dataset: archive.datasetID, file: archive.path, "部件 \(entry.name) 解压后（uncompressed）达 \(size >> 20) MB 以上",
                              key: "max_uncompressed_mb", limit: "\(archive.limits.maxUncompressedBytes >> 20) MB")
    }

    private func corrupt() -> ODPError {
        ODPError.source(archive.datasetID, "\(archive.path)：部件 \(entry.name) 已损坏，无法解压（cannot inflate）")
    }

    func close() {}
}
