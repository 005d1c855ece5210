import CDeflate
import Crypto
import CZlib
import Foundation
import ODPRelease

/// The floor: what the machine does with the same bytes and nothing else: reading the input,
/// SHA-256 of the output (swift-crypto), and single-thread deflate of the output with zlib
/// and libdeflate at level 6. ODP's figures are printed as a ratio to these.
enum Floor {
    struct Result { var seconds: Double; var outputBytes: Int = 0 }

    static func read(_ url: URL) -> Result {
        let t = Stopwatch()
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            total += n
        }
        return Result(seconds: t.elapsed, outputBytes: total)
    }

    static func sha256(_ url: URL) -> Result {
        let t = Stopwatch()
        var hasher = SHA256()
        forEachChunk(url) { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        _ = hasher.finalize()
        return Result(seconds: t.elapsed)
    }

    static func zlib6(_ url: URL) -> Result {
        let t = Stopwatch()
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        var out = [UInt8](repeating: 0, count: 1 << 20)
        var produced = 0
        func drain(_ flush: Int32) {
            repeat {
                out.withUnsafeMutableBufferPointer { o in
                    stream.next_out = o.baseAddress
                    stream.avail_out = uInt(o.count)
                    deflate(&stream, flush)
                    produced += o.count - Int(stream.avail_out)
                }
            } while stream.avail_out == 0
        }
        forEachChunk(url) { chunk in
            stream.next_in = UnsafeMutablePointer(mutating: chunk.baseAddress)
            stream.avail_in = uInt(chunk.count)
            drain(Z_NO_FLUSH)
        }
        stream.avail_in = 0
        drain(Z_FINISH)
        deflateEnd(&stream)
        return Result(seconds: t.elapsed, outputBytes: produced)
    }

    static func libdeflate6(_ url: URL) -> Result {
        let t = Stopwatch()
        let compressor = libdeflate_alloc_compressor(6)
        defer { libdeflate_free_compressor(compressor) }
        var produced = 0
        var out = [UInt8](repeating: 0, count: 8 << 20)
        forEachChunk(url, size: 4 << 20) { chunk in
            produced += out.withUnsafeMutableBytes { o in
                libdeflate_deflate_compress(compressor, chunk.baseAddress, chunk.count, o.baseAddress, o.count)
            }
        }
        return Result(seconds: t.elapsed, outputBytes: produced)
    }

    /// Writing `bytes` bytes, as many as the release wrote, without fsync: once the page
    /// cache holds the release's own dirty pages this runs at the disk's pace, so it is the
    /// least time the release's writes can take here.
    static func write(bytes: Int, in dir: URL) -> Result {
        let url = dir.appendingPathComponent("bench-write.tmp")
        defer { unlink(url.path) }
        let t = Stopwatch()
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return Result(seconds: 0) }
        let chunk = [UInt8](repeating: 0x2C, count: 4 << 20)
        var left = bytes
        chunk.withUnsafeBytes { c in
            while left > 0 {
                let n = Foundation.write(fd, c.baseAddress, min(left, c.count))
                if n <= 0 { break }
                left -= n
            }
        }
        close(fd)
        return Result(seconds: t.elapsed, outputBytes: bytes - left)
    }

    /// Bytes of all files under `dir`.
    static func treeSize(_ dir: URL) -> Int {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.fileSizeKey]) else { return 0 }
        var total = 0
        for case let url as URL in e { total += (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0 }
        return total
    }

    /// The zip step alone, as ODP does it: the output CSV as one entry, deflated on every core.
    static func odpZip(_ url: URL) throws -> Result {
        let zip = url.deletingLastPathComponent().appendingPathComponent("bench-odp.zip")
        defer { try? FileManager.default.removeItem(at: zip) }
        let t = Stopwatch()
        try ZipWriter().write(entries: [.init(name: url.lastPathComponent, file: url)], to: zip)
        let seconds = t.elapsed
        return Result(seconds: seconds, outputBytes: fileSize(zip))
    }

    /// Info-ZIP's `zip -6` on the same CSV, the tool a hand-written job would call; nil when
    /// it is not installed.
    static func infoZip(_ url: URL) -> Result? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zip") else { return nil }
        let zip = url.deletingLastPathComponent().appendingPathComponent("bench-infozip.zip")
        defer { try? FileManager.default.removeItem(at: zip) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        process.arguments = ["-6", "-q", "-j", zip.path, url.path]
        let t = Stopwatch()
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        let seconds = t.elapsed
        guard process.terminationStatus == 0 else { return nil }
        return Result(seconds: seconds, outputBytes: fileSize(zip))
    }

    static func fileSize(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }

    static func forEachChunk(_ url: URL, size: Int = 4 << 20, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}

struct Stopwatch {
    private var start = timespec()
    init() { clock_gettime(CLOCK_MONOTONIC, &start) }
    var elapsed: Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec - start.tv_sec) + Double(now.tv_nsec - start.tv_nsec) / 1e9
    }
}

/// CPU time (user + system) this process has used, in seconds: against the wall time it
/// shows how much of the two cores a run kept busy.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// Peak resident memory of this process in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}
