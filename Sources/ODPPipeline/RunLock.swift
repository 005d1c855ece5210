import Foundation
import ODPCore

/// One run at a time per output directory, held as an exclusive `flock` on `state/run.lock`.
/// The kernel drops the lock when its process dies, however it dies, so a killed run never
/// leaves a stale lock and two runs started at the same moment cannot both win (an
/// exists-then-take-over scheme can race there). The file itself stays; it only names the
/// holder (pid, host, start time) for the message the loser prints.
public final class RunLock {
    public let url: URL
    private var fd: Int32 = -1

    public init(url: URL) { self.url = url }

    /// Another run holds the lock (exit code `ODPExit.locked`, not a definition error).
    public struct Conflict: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Takes the lock or throws a message naming the holder.
    ///
    /// - Parameter shared: the shards of a sharded run (`--shard`) hold it together; a whole run
    ///   or `odp catalog` holds it alone. Shared holders do not write their names into the file.
    /// - Parameter patience: seconds to keep trying while another holds it (`odp catalog` after
    ///   shards, which hold it a moment longer than their last dataset).
    public func acquire(shared: Bool = false, patience: TimeInterval = 0) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ODPError.io(url.path, "无法打开运行锁（run lock）：\(String(cString: strerror(errno)))") }
        let deadline = Date().addingTimeInterval(patience)
        while flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0, errno == EWOULDBLOCK, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        guard flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(fd)
            guard busy else { throw ODPError.io(url.path, "无法取得运行锁（run lock）：\(String(cString: strerror(errno)))") }
            // An exclusive holder writes its name just after it locks: a loser that reads in
            // between sees an empty file, so it looks again for up to a second before it
            // concludes that shards (which write no name) hold the lock.
            var fields = Self.holder(url)
            for _ in 0..<20 where fields.isEmpty {
                Thread.sleep(forTimeInterval: 0.05)
                fields = Self.holder(url)
            }
            let holder = fields.isEmpty ? "分片运行（odp run --shard）正在进行"
                : "pid \(fields["pid"] ?? "?")，主机 \(fields["host"] ?? "?")，开始于 \(fields["started"] ?? "?")"
            throw Conflict(message: "另一个 odp 运行持有运行锁 \(url.path)（another odp run holds the lock：\(holder)）；本次运行未做任何事，请等对方结束后再运行")
        }
        if shared {
            self.fd = fd
            return
        }
        let text = "pid=\(getpid())\nhost=\(ProcessInfo.processInfo.hostName)\nstarted=\(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    public func release() {
        guard fd >= 0 else { return }
        // Truncating under a shared lock would erase nothing of ours and race the others.
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { _ = ftruncate(fd, 0) }
        close(fd)
        fd = -1
    }

    deinit { release() }

    /// The holder's `key=value` lines; empty for a moment while a new holder writes them.
    private static func holder(_ url: URL) -> [String: String] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return Dictionary(text.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
    }
}
