import Foundation

/// Writes whole files so readers see the old content or the new, never a torn one: write to
/// a temporary sibling, fsync, rename. Used for state, pointers and reports.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let tmp = try temporary(data, beside: url)
        guard rename(tmp.path, url.path) == 0 else {
            let failure = errno
            unlink(tmp.path)
            throw ODPError.system(url.path, errno: failure)
        }
        syncDirectory(url.deletingLastPathComponent())
    }

    /// Writes the file only when it does not exist yet (`link(2)` of a complete temporary
    /// file, which fails with EEXIST); false when another writer got there first.
    public static func create(_ data: Data, at url: URL) throws -> Bool {
        let tmp = try temporary(data, beside: url)
        defer { unlink(tmp.path) }
        guard link(tmp.path, url.path) == 0 else {
            if errno == EEXIST { return false }
            throw ODPError.system(url.path, errno: errno)
        }
        syncDirectory(url.deletingLastPathComponent())
        return true
    }

    /// A complete, fsync'd temporary sibling of `url` holding `data`.
    private static func temporary(_ data: Data, beside url: URL) throws -> URL {
        let dir = url.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw ODPError.from(error, path: dir.path)
        }
        let tmp = dir.appendingPathComponent(TemporaryName.atomic(url.lastPathComponent))
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ODPError.system(tmp.path, errno: errno) }
        var ok = true
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { ok = false; failure = errno; break }
                offset += n
            }
        }
        if ok, fsync(fd) != 0 { ok = false; failure = errno }
        close(fd)
        guard ok else {
            unlink(tmp.path)
            throw ODPError.system(url.path, errno: failure)
        }
        return tmp
    }

    /// Makes a rename durable (the directory entry itself must reach the disk).
    public static func syncDirectory(_ dir: URL) {
        let fd = open(dir.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
