import Foundation

/// Writes whole files so readers see the old content or the new, never a torn one: write to
/// a temporary sibling, fsync, rename. Used for state, pointers and reports.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
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
        if ok, rename(tmp.path, url.path) != 0 { ok = false; failure = errno }
        guard ok else {
            unlink(tmp.path)
            throw ODPError.system(url.path, errno: failure)
        }
        syncDirectory(dir)
    }

    /// Makes a rename durable (the directory entry itself must reach the disk).
    public static func syncDirectory(_ dir: URL) {
        let fd = open(dir.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
