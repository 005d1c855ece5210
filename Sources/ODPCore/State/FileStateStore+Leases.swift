import Foundation

/// Leases of the embedded store, with the semantics of the PostgreSQL store so one machine's
/// runs (and the tests) behave as a cluster's do (plans: FileStateStore+Plans).
///
///     state/leases/<id>.lease     token, owner and expiry (ms since 1970), one per line;
///                                 read and rewritten under an exclusive flock
extension FileStateStore {
    var leasesRoot: URL { directory.appendingPathComponent("leases") }

    public func acquireLease(dataset: String, owner: String, ttl: TimeInterval) throws -> DatasetLease? {
        try withLeaseFile(dataset) { current, now in
            if let current, current.owner == owner, current.expires > now {
                return (current.with(expires: now + ttl), DatasetLease(dataset: dataset, owner: owner, token: current.token))
            }
            if let current, current.expires > now, !current.holderDied { return (nil, nil) }
            let record = LeaseRecord(token: (current?.token ?? 0) + 1, owner: owner, expires: now + ttl)
            return (record, DatasetLease(dataset: dataset, owner: owner, token: record.token))
        }
    }

    public func renew(_ lease: DatasetLease, ttl: TimeInterval) throws -> Bool {
        try withLeaseFile(lease.dataset) { current, now in
            guard let current, current.matches(lease), current.expires > now else { return (nil, false) }
            return (current.with(expires: now + ttl), true)
        }
    }

    public func holds(_ lease: DatasetLease) throws -> Bool {
        try withLeaseFile(lease.dataset) { current, now in (nil, current.map { $0.matches(lease) && $0.expires > now } ?? false) }
    }

    public func release(_ lease: DatasetLease) throws {
        try withLeaseFile(lease.dataset) { current, _ in
            // The token stays, so the next holder's is larger still.
            guard let current, current.matches(lease) else { return (nil, ()) }
            return (current.with(expires: 0), ())
        }
    }

    public func heldLeases() throws -> [DatasetLease] {
        var out: [DatasetLease] = []
        for name in Self.visibleNames(in: leasesRoot) where name.hasSuffix(".lease") {
            let dataset = String(name.dropLast(".lease".count))
            let lease: DatasetLease? = try withLeaseFile(dataset) { current, now in
                guard let current, current.expires > now else { return (nil, nil) }
                return (nil, DatasetLease(dataset: dataset, owner: current.owner, token: current.token))
            }
            if let lease { out.append(lease) }
        }
        return out
    }

    private struct LeaseRecord {
        var token: Int64
        var owner: String
        /// Seconds since 1970.
        var expires: TimeInterval

        func with(expires: TimeInterval) -> LeaseRecord { LeaseRecord(token: token, owner: owner, expires: expires) }

        /// The holder was a process on this machine that no longer runs (killed with -9): its
        /// lease is taken over at once rather than after `lease_seconds`. Every holder of a
        /// local store runs here, so the next run after a crash does not wait for the expiry.
        var holderDied: Bool {
            let parts = owner.split(separator: ":")
            guard parts.count == 3, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]), pid != getpid() else { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }
        func matches(_ lease: DatasetLease) -> Bool { token == lease.token && owner == lease.owner }

        init(token: Int64, owner: String, expires: TimeInterval) {
            self.token = token
            self.owner = owner
            self.expires = expires
        }

        init?(_ text: String) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count >= 3, let token = Int64(lines[0]), let millis = Int64(lines[2]) else { return nil }
            self.init(token: token, owner: String(lines[1]), expires: TimeInterval(millis) / 1000)
        }

        var text: String { "\(token)\n\(owner)\n\(Int64((expires * 1000).rounded()))\n" }
    }

    /// Runs `body` with the lease file locked; a non-nil record it returns replaces the file's
    /// content before the lock is dropped. Written over the old content, then cut to length,
    /// so the token is never lost to an empty file. Not fsync'd: a lease only matters while
    /// its holder lives, and every holder of a local store dies with the machine (two fsyncs
    /// per dataset would cost an unchanged re-run of 21,000 datasets most of its budget).
    private func withLeaseFile<T>(_ dataset: String, _ body: (LeaseRecord?, TimeInterval) throws -> (LeaseRecord?, T)) throws -> T {
        let url = leasesRoot.appendingPathComponent("\(dataset).lease")
        var fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(at: leasesRoot, withIntermediateDirectories: true)
            fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw ODPError.system(url.path, errno: errno) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw ODPError.system(url.path, errno: errno) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buffer, buffer.count, 0)
        let current = n > 0 ? LeaseRecord(String(decoding: buffer[0..<n], as: UTF8.self)) : nil
        let (replacement, result) = try body(current, Date().timeIntervalSince1970)
        if let replacement {
            let bytes = Array(replacement.text.utf8)
            guard pwrite(fd, bytes, bytes.count, 0) == bytes.count, ftruncate(fd, off_t(bytes.count)) == 0 else {
                throw ODPError.system(url.path, errno: errno)
            }
        }
        return result
    }
}
