import Crypto
import Dispatch
import Foundation
import ODPCore

/// A file written through one large buffer: callers format bytes straight into the buffer
/// (`reserve` / `commit`). A full buffer is handed to a background queue that hashes and
/// writes it while formatting continues in a second buffer (double buffering), so SHA-256
/// and the write syscalls stay off the formatting thread. With a `DeflateSpool`, the same
/// queue feeds it every byte written, for the zip.
final class OutputFile {
    let path: URL
    private let fd: Int32
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private var spare: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes formatted but not yet handed off.
    var count = 0
    /// Bytes handed to the background writer.
    private(set) var bytesFlushed = 0
    private let state: FlushState
    private let queue = DispatchQueue(label: "odp.release.output")
    private let group = DispatchGroup()
    private var closed = false

    /// Owned by the background queue between `flush()` and `wait()`.
    private final class FlushState: @unchecked Sendable {
        var hasher = SHA256()
        var error: ODPError?
        let fd: Int32
        let path: String
        let spool: DeflateSpool?
        init(fd: Int32, path: String, spool: DeflateSpool?) { self.fd = fd; self.path = path; self.spool = spool }

        private var written = 0

        func write(_ p: UnsafeMutablePointer<UInt8>, _ count: Int) {
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: p, count: count))
            defer { spool?.available(written) }
            guard error == nil else { return }
            var done = 0
            while done < count {
                let n = Foundation.write(fd, p + done, count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    error = ODPError.io(path, "写入失败（write failed）：\(String(cString: strerror(errno)))")
                    return
                }
                done += n
                written += n
            }
        }
    }

    private struct Job: @unchecked Sendable { let state: FlushState; let pointer: UnsafeMutablePointer<UInt8>; let count: Int }

    /// - Parameter deflate: also deflate the file as it is written into this spool file, with this zip writer's settings.
    init(path: URL, capacity: Int = 4 << 20, deflate: (spool: URL, zip: ZipWriter)? = nil) throws {
        self.path = path
        fd = open(path.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ODPError.io(path.path, "无法创建文件（cannot create file）：\(String(cString: strerror(errno)))") }
        let spool: DeflateSpool?
        do {
            spool = try deflate.map { try DeflateSpool(source: path, spool: $0.spool, zip: $0.zip) }
        } catch {
            Foundation.close(fd)
            throw error
        }
        self.capacity = capacity
        buffer = .allocate(capacity: capacity)
        spare = .allocate(capacity: capacity)
        state = FlushState(fd: fd, path: path.path, spool: spool)
    }

    deinit {
        group.wait()
        if !closed { Foundation.close(fd) }
        buffer.deallocate()
        spare.deallocate()
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
            try wait()
            buffer.deallocate()
            spare.deallocate()
            capacity = n
            buffer = .allocate(capacity: capacity)
            spare = .allocate(capacity: capacity)
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

    /// Hands the formatted bytes to the background writer (after the previous hand-off is done).
    func flush() throws {
        guard count > 0 else { return }
        try wait()
        let job = Job(state: state, pointer: buffer, count: count)
        queue.async(group: group) { job.state.write(job.pointer, job.count) }
        swap(&buffer, &spare)
        bytesFlushed += count
        count = 0
    }

    /// Waits for the background writer; rethrows its error.
    private func wait() throws {
        group.wait()
        if let error = state.error { throw error }
    }

    /// Flushes, fsyncs and closes; returns the SHA-256 and size of the file.
    func close() throws -> (sha256: [UInt8], bytes: Int) {
        try flush()
        try wait()
        if !closed {
            closed = true
            let synced = fsync(fd)
            Foundation.close(fd)
            guard synced == 0 else { throw ODPError.io(path.path, "写入磁盘失败（fsync failed）：\(String(cString: strerror(errno)))") }
        }
        return (Array(state.hasher.finalize()), bytesFlushed)
    }

    /// The deflate stream of the whole file, when spooled; call after `close()`.
    func deflated() throws -> DeflateSpool.Stream? {
        try state.spool?.finish(size: bytesFlushed)
    }

    /// Hash state of all bytes handed off so far; call after `flush()`.
    var hashState: SHA256 {
        group.wait()
        return state.hasher
    }

    /// Closes without syncing (the file is about to be deleted or is not needed in the zip).
    func discard() {
        group.wait()
        state.spool?.cancel()
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
        let tmp = url.deletingLastPathComponent().appendingPathComponent(TemporaryName.release(url.lastPathComponent))
        try write(data, to: tmp)
        guard rename(tmp.path, url.path) == 0 else {
            unlink(tmp.path)
            throw ODPError.io(url.path, "无法改名到目标位置（cannot rename into place）：\(String(cString: strerror(errno)))")
        }
        syncDirectory(url.deletingLastPathComponent())
    }

    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); Foundation.close(fd) }
    }
}
