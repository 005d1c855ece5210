import Foundation

/// Writes whole files so readers see the old content or the new, never a torn one: write to
/// a temporary sibling, fsync, rename. Used for state, pointers and reports.
public enum AtomicFile {
    /// - Parameter mode: the permissions of the new file (0600 for private state).
    public static func write(_ data: Data, to url: URL, mode: mode_t = 0o644) throws {
        let dir = url.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw ODPError.from(error, path: dir.path)
        }
        let tmp = dir.appendingPathComponent(TemporaryName.atomic(url.lastPathComponent))
        var failure = writeDurably(data, to: tmp, flags: O_TRUNC, mode: mode)
        if failure == 0, rename(tmp.path, url.path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(tmp.path)
            throw ODPError.system(url.path, errno: failure)
        }
        syncDirectory(dir)
    }

    /// Creates `url`, which must not exist yet, with `data`, fsynced (a file another step then
    /// links or renames into place).
    public static func writeExclusive(_ data: Data, to url: URL) throws {
        let failure = writeDurably(data, to: url, flags: O_EXCL)
        guard failure == 0 else {
            if failure != EEXIST { unlink(url.path) }
            throw ODPError.system(url.path, errno: failure)
        }
    }

    /// Writes and fsyncs the whole of `data`; the errno of the first failure, or 0.
    private static func writeDurably(_ data: Data, to url: URL, flags: Int32, mode: mode_t = 0o644) -> Int32 {
        let fd = open(url.path, O_WRONLY | O_CREAT | flags, mode)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { failure = errno; break }
                offset += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        return failure
    }

    /// Makes a rename durable (the directory entry itself must reach the disk).
    public static func syncDirectory(_ dir: URL) {
        let fd = open(dir.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
