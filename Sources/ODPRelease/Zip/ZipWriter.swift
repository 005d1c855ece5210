import Foundation
import ODPCore

/// Writes deterministic zip archives: entries in the given order, DOS time 1980-01-01 00:00,
/// Unix mode 0644, UTF-8 names, no extra fields except Zip64 where sizes or offsets need it,
/// no data descriptors (sizes are patched into the local header). Large entries are
/// deflated on several threads (see `ParallelDeflate`).
///
/// ```swift
/// try ZipWriter().write(entries: [.init(name: "a/data.csv", file: url)], to: zipURL)
/// ```
public struct ZipWriter: Sendable {
    public struct Entry: Sendable, Hashable {
        /// The name inside the archive (`/`-separated).
        public var name: String
        public var file: URL
        /// The file's deflate stream, made while it was written with this writer's settings; copied instead of compressing.
        var deflated: DeflateSpool.Stream?
        public init(name: String, file: URL) { self.name = name; self.file = file }
        init(name: String, file: URL, deflated: DeflateSpool.Stream?) { self.name = name; self.file = file; self.deflated = deflated }

        public static func == (a: Entry, b: Entry) -> Bool { a.name == b.name && a.file == b.file }
        public func hash(into hasher: inout Hasher) { hasher.combine(name); hasher.combine(file) }
    }

    public var threads: Int
    /// Input bytes per independently compressed chunk; 1 MiB costs <1% in size against one
    /// stream and keeps both cores busy.
    public var chunkSize: Int
    public var level: Int

    public init(threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount), chunkSize: Int = 1 << 20, level: Int = 6) {
        self.threads = threads
        self.chunkSize = chunkSize
        self.level = level
    }

    /// Zips every file under `directory` as `<prefix>/<relative path>`, sorted by path;
    /// `deflated` holds streams already compressed, by relative path.
    public static func archive(directory: URL, prefix: String, to url: URL, writer: ZipWriter = ZipWriter()) throws {
        try archive(directory: directory, prefix: prefix, to: url, writer: writer, deflated: [:])
    }

    static func archive(directory: URL, prefix: String, to url: URL, writer: ZipWriter, deflated: [String: DeflateSpool.Stream]) throws {
        let files = try ReleaseFiles.list(directory)
        try writer.write(entries: files.map {
            Entry(name: "\(prefix)/\($0)", file: directory.appendingPathComponent($0), deflated: deflated[$0])
        }, to: url)
    }

    public func write(entries: [Entry], to url: URL) throws {
        let sink = try ZipSink(url: url)
        var central: [CentralRecord] = []
        for entry in entries {
            central.append(try write(entry, into: sink))
        }
        let cdStart = sink.offset
        for record in central { try record.write(into: sink) }
        let cdSize = sink.offset - cdStart
        let needs64 = central.count >= 0xFFFF || cdStart >= 0xFFFF_FFFF || cdSize >= 0xFFFF_FFFF
        if needs64 {
            let eocd64 = sink.offset
            var r = ZipBytes()
            r.u32(0x0606_4B50); r.u64(44); r.u16(0x0300 | 45); r.u16(45); r.u32(0); r.u32(0)
            r.u64(UInt64(central.count)); r.u64(UInt64(central.count)); r.u64(UInt64(cdSize)); r.u64(UInt64(cdStart))
            r.u32(0x0706_4B50); r.u32(0); r.u64(UInt64(eocd64)); r.u32(1)
            try sink.write(r.bytes)
        }
        var e = ZipBytes()
        e.u32(0x0605_4B50); e.u16(0); e.u16(0)
        e.u16(UInt16(min(central.count, 0xFFFF))); e.u16(UInt16(min(central.count, 0xFFFF)))
        e.u32(UInt32(min(cdSize, 0xFFFF_FFFF))); e.u32(UInt32(min(cdStart, 0xFFFF_FFFF))); e.u16(0)
        try sink.write(e.bytes)
        try sink.close()
    }

    /// Decided before compressing, from the input size alone (so the layout is the same on
    /// every run): sizes go to the Zip64 field when even incompressible input, which deflate
    /// makes slightly larger, could reach 4 GiB. Far below that, no bound is needed.
    func sizesNeedZip64(_ size: Int) -> Bool {
        size >= 0xFFFF_FFFF / 64
            && ParallelDeflate(threads: threads, chunkSize: chunkSize, level: Int32(level)).maxOutput(size: size) >= 0xFFFF_FFFF
    }

    private func write(_ entry: Entry, into sink: ZipSink) throws -> CentralRecord {
        let fd = open(entry.file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ODPError.io(entry.file.path, "cannot open for the zip") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ODPError.io(entry.file.path, "cannot stat") }
        let size = Int(st.st_size)
        let name = Array(entry.name.utf8)
        let deflate = ParallelDeflate(threads: threads, chunkSize: chunkSize, level: Int32(level))
        let zip64 = sizesNeedZip64(size)
        let method: UInt16 = size == 0 ? 0 : 8
        let offset = sink.offset
        var h = ZipBytes()
        h.u32(0x0403_4B50); h.u16(zip64 ? 45 : 20); h.u16(0x0800); h.u16(method); h.u16(0); h.u16(0x0021)
        h.u32(0); h.u32(zip64 ? 0xFFFF_FFFF : 0); h.u32(zip64 ? 0xFFFF_FFFF : 0)
        h.u16(UInt16(name.count)); h.u16(zip64 ? 20 : 0)
        h.bytes += name
        if zip64 { h.u16(1); h.u16(16); h.u64(0); h.u64(0) }
        try sink.write(h.bytes)
        var crc: UInt32 = 0
        var compressed = 0
        if let stream = entry.deflated, size > 0 {
            guard stream.size == size else { throw ODPError.io(entry.file.path, "changed after it was compressed (\(stream.size) → \(size) bytes)") }
            try sink.copy(stream.url, ranges: stream.chunks)
            (crc, compressed) = (stream.crc, stream.compressed)
        } else if size > 0 {
            (crc, compressed) = try deflate.compress(fd: fd, size: size, path: entry.file.path) { try sink.write($0) }
        }
        // Patch CRC and sizes into the local header.
        var patch = ZipBytes()
        patch.u32(crc)
        if zip64 {
            try sink.patch(patch.bytes, at: offset + 14)
            var sizes = ZipBytes(); sizes.u64(UInt64(size)); sizes.u64(UInt64(compressed))
            try sink.patch(sizes.bytes, at: offset + 30 + name.count + 4)
        } else {
            patch.u32(UInt32(compressed)); patch.u32(UInt32(size))
            try sink.patch(patch.bytes, at: offset + 14)
        }
        return CentralRecord(name: name, method: method, crc: crc, compressed: compressed, size: size, offset: offset, forceZip64: zip64)
    }
}

private struct CentralRecord {
    let name: [UInt8]
    let method: UInt16
    let crc: UInt32
    let compressed: Int
    let size: Int
    let offset: Int
    let forceZip64: Bool

    func write(into sink: ZipSink) throws {
        let bigSize = forceZip64 || size >= 0xFFFF_FFFF || compressed >= 0xFFFF_FFFF
        let bigOffset = offset >= 0xFFFF_FFFF
        var extra = ZipBytes()
        if bigSize || bigOffset {
            extra.u16(1); extra.u16(UInt16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0)))
            if bigSize { extra.u64(UInt64(size)); extra.u64(UInt64(compressed)) }
            if bigOffset { extra.u64(UInt64(offset)) }
        }
        let version: UInt16 = extra.bytes.isEmpty ? 20 : 45
        var r = ZipBytes()
        r.u32(0x0201_4B50); r.u16(0x0300 | version); r.u16(version); r.u16(0x0800); r.u16(method); r.u16(0); r.u16(0x0021)
        r.u32(crc); r.u32(bigSize ? 0xFFFF_FFFF : UInt32(compressed)); r.u32(bigSize ? 0xFFFF_FFFF : UInt32(size))
        r.u16(UInt16(name.count)); r.u16(UInt16(extra.bytes.count)); r.u16(0); r.u16(0); r.u16(0)
        r.u32(0o100644 << 16); r.u32(bigOffset ? 0xFFFF_FFFF : UInt32(offset))
        r.bytes += name
        r.bytes += extra.bytes
        try sink.write(r.bytes)
    }
}

/// Little-endian field writer.
struct ZipBytes {
    var bytes: [UInt8] = []
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }
    mutating func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((v >> UInt32(s)) & 0xFF)) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8((v >> UInt64(s)) & 0xFF)) } }
}

/// Buffered output with patching of already written bytes.
private final class ZipSink {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private(set) var offset = 0
    private var flushed = 0

    init(url: URL) throws {
        path = url.path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ODPError.io(path, "cannot create the zip") }
        buffer.reserveCapacity(4 << 20)
    }

    deinit { if fd >= 0 { Foundation.close(fd) } }

    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        offset += bytes.count
        if buffer.count >= 4 << 20 { try flush() }
    }

    /// Appends these byte ranges of a file, in order.
    func copy(_ url: URL, ranges: [Range<Int>]) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ODPError.io(url.path, "cannot open the compression spool") }
        defer { Foundation.close(fd) }
        let block = 4 << 20
        let chunk = UnsafeMutableRawPointer.allocate(byteCount: block, alignment: 64)
        defer { chunk.deallocate() }
        for range in ranges {
            var at = range.lowerBound
            while at < range.upperBound {
                let n = pread(fd, chunk, min(block, range.upperBound - at), off_t(at))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw ODPError.io(url.path, "cannot read the compression spool") }
                try write(UnsafeRawBufferPointer(start: chunk, count: n))
                at += n
            }
        }
    }

    func patch(_ bytes: [UInt8], at position: Int) throws {
        if position >= flushed {
            for (i, b) in bytes.enumerated() { buffer[position - flushed + i] = b }
            return
        }
        try flush()
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(position)) }
        guard n == bytes.count else { throw ODPError.io(path, "cannot patch the zip header") }
    }

    func flush() throws {
        var done = 0
        try buffer.withUnsafeBytes { b in
            while done < b.count {
                let n = pwrite(fd, b.baseAddress! + done, b.count - done, off_t(flushed + done))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw ODPError.io(path, "write failed") }
                done += n
            }
        }
        flushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        guard fsync(fd) == 0 else { throw ODPError.io(path, "fsync failed") }
    }
}
