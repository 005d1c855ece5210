import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ODPCore

/// A stream of bytes read in chunks.
protocol ByteInput: AnyObject {
    /// Reads up to `capacity` bytes; 0 only at the end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int
    func close()
}

/// A file read with POSIX `read`, so memory stays at one chunk whatever the file size.
final class FileInput: ByteInput {
    private var fd: Int32
    let path: String

    init(path: String, datasetID: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            throw ODPError.source(datasetID, "无法打开 \(path)（cannot open）：\(reason)")
        }
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer, capacity)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw ODPError.io(path, "读取失败（read failed）：\(String(cString: strerror(errno)))")
        }
    }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }

    deinit { close() }
}

/// A growable window over a `ByteInput`. Parsers work on `base[start..<end]`; when a record
/// runs past `end` they call `refill()` and parse that record again from `start`.
final class ChunkBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var start = 0
    private(set) var end = 0
    private(set) var atEOF = false
    let input: ByteInput

    init(input: ByteInput, capacity: Int = 1 << 20) {
        self.input = input
        self.capacity = capacity
        base = .allocate(capacity: capacity + 8)
    }

    deinit { base.deallocate() }

    /// Moves the unread bytes to the front and reads more; grows when one record fills the
    /// window. Returns false when nothing more can be read.
    @discardableResult
    func refill() throws -> Bool {
        if atEOF { return false }
        if start > 0 {
            let live = end - start
            if live > 0 { base.update(from: base + start, count: live) }
            end = live
            start = 0
        }
        if capacity - end < capacity / 4 {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + 8)
            bigger.update(from: base, count: end)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        let n = try input.read(into: base + end, capacity: capacity - end)
        if n == 0 { atEOF = true; return false }
        end += n
        return true
    }
}
