import Foundation
import ODPCore

/// One run at a time per output directory. The lock file holds the holder's pid and host;
/// a lock left by a process that no longer exists on this host is taken over, one from
/// another host is respected (shared storage) until removed by hand.
public final class RunLock {
    public let url: URL
    private var fd: Int32 = -1

    public init(url: URL) { self.url = url }

    /// Takes the lock or throws a message naming the holder.
    public func acquire() throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName
        for _ in 0..<2 {
            fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let text = "pid=\(getpid())\nhost=\(host)\nstarted=\(ISO8601DateFormatter().string(from: Date()))\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                fsync(fd)
                return
            }
            guard errno == EEXIST else { throw ODPError.io(url.path, "cannot create the run lock: \(String(cString: strerror(errno)))") }
            let holder = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            let fields = Dictionary(holder.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { a, _ in a })
            let pid = Int32(fields["pid"] ?? "") ?? 0
            if fields["host"] == host, pid > 0, kill(pid, 0) != 0, errno == ESRCH {
                unlink(url.path)  // stale: its process is gone
                continue
            }
            if holder.isEmpty {
                // A holder killed between create and write leaves an empty file; give it a moment.
                usleep(200_000)
                if ((try? String(contentsOf: url, encoding: .utf8)) ?? "").isEmpty { unlink(url.path); continue }
            }
            throw ODPError.usage("another odp run holds \(url.path) (pid \(fields["pid"] ?? "?") on \(fields["host"] ?? "?"), started \(fields["started"] ?? "?")); this run exits without doing anything")
        }
        throw ODPError.usage("could not take the run lock \(url.path)")
    }

    public func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(url.path)
    }

    deinit { release() }
}
