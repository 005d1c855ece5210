import Crypto
import Foundation
import ODPCore

/// A file written through one large buffer: callers format bytes straight into the buffer
/// (`reserve` / `commit`), and each flush hashes and writes a whole block, so no per-cell
/// allocation or syscall happens on the hot path.
final class OutputFile {
    let path: URL
    private let fd: Int32
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes formatted but not yet flushed.
    var count = 0
    private(set) var bytesFlushed = 0
    /// Running SHA-256 of everything flushed (a value type: copy it to fork the hash).
    private(set) var hasher = SHA256()
    private var closed = false

    init(path: URL, capacity: Int = 8 << 20) throws {
        self.path = path
        fd = open(path.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ODPError.io(path.path, "cannot create file: \(String(cString: strerror(errno)))") }
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        if !closed { Foundation.close(fd) }
        buffer.deallocate()
    }

    var totalBytes: Int { bytesFlushed + count }

    /// A pointer with room for at least `n` more bytes.
    @inline(__always)
    func reserve(_ n: Int) throws -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { try makeRoom(n) }
        return buffer + count
    }

    private func makeRoom(_ n: Int) throws {
        try flush()
        if n > capacity {
            buffer.deallocate()
            capacity = n
            buffer = .allocate(capacity: capacity)
        }
    }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        let p = try reserve(bytes.count)
        if let base = bytes.baseAddress { p.update(from: base, count: bytes.count) }
        count += bytes.count
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try append($0) }
    }

    func flush() throws {
        guard count > 0 else { return }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: count))
        var done = 0
        while done < count {
            let n = Foundation.write(fd, buffer + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw ODPError.io(path.path, "write failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        bytesFlushed += count
        count = 0
    }

    /// Flushes, fsyncs and closes; returns the SHA-256 and size of the file.
    func close() throws -> (sha256: [UInt8], bytes: Int) {
        try flush()
        if !closed {
            closed = true
            let synced = fsync(fd)
            Foundation.close(fd)
            guard synced == 0 else { throw ODPError.io(path.path, "fsync failed: \(String(cString: strerror(errno)))") }
        }
        return (Array(hasher.finalize()), bytesFlushed)
    }

    /// Hash state after the bytes flushed so far; call after `flush()`.
    var hashState: SHA256 { hasher }

    /// Closes without syncing (the file is about to be deleted).
    func discard() {
        if !closed { closed = true; Foundation.close(fd) }
    }
}

/// Writes small files (metadata, reports) durably.
enum DurableFile {
    static func write(_ data: Data, to url: URL) throws {
        let file = try OutputFile(path: url, capacity: max(1, data.count))
        try data.withUnsafeBytes { try file.append($0.bindMemory(to: UInt8.self)) }
        _ = try file.close()
    }

    /// Writes via a temporary name and renames, so readers see the old or the new file, never half.
    static func replace(_ data: Data, at url: URL) throws {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".tmp-\(url.lastPathComponent)-\(getpid())")
        try write(data, to: tmp)
        guard rename(tmp.path, url.path) == 0 else {
            unlink(tmp.path)
            throw ODPError.io(url.path, "cannot rename into place: \(String(cString: strerror(errno)))")
        }
        syncDirectory(url.deletingLastPathComponent())
    }

    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); Foundation.close(fd) }
    }
}
