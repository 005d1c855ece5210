import Foundation

/// The applications for 有条件开放 datasets and their access tokens, in
/// `state/access/applications.json` (folder 0700, file 0600). The portal, `odp access` and
/// `odp run` share it: every change happens under an exclusive lock on `state/access/lock`,
/// reading the file afresh, so a decision on the command line and a download in the portal
/// never lose each other's update.
///
/// # Tokens
/// Approval creates a random token (`odpat_` + 64 hex digits) and returns it once; only its
/// SHA-256 is kept, so the file cannot be used to download anything.
public struct AccessBook: Sendable {
    public let directory: URL

    /// - Parameter state: the output's `state/` folder.
    public init(state: URL) { directory = state.appendingPathComponent("access") }

    public var file: URL { directory.appendingPathComponent("applications.json") }
    var lockFile: URL { directory.appendingPathComponent("lock") }

    public enum Use: String, Sendable { case download, api }

    public enum Check: Sendable, Equatable {
        case granted(AccessApplication)
        case refused(AccessRefusal)
    }

    /// The personal fields of an application, as the applicant gave them.
    public struct Applicant: Sendable, Equatable {
        public var name: String
        public var organisation: String
        public var purpose: String
        public var contact: String

        public init(name: String, organisation: String, purpose: String, contact: String) {
            self.name = name
            self.organisation = organisation
            self.purpose = purpose
            self.contact = contact
        }
    }

    /// Every application, oldest first (none when the file does not exist yet).
    public func applications() throws -> [AccessApplication] {
        try ArtifactCodec.read(AccessApplications.self, at: file)?.applications ?? []
    }

    public func application(_ number: String) throws -> AccessApplication? {
        try applications().first { $0.number == number }
    }

    /// Records a new pending application and returns it (with its number).
    /// - Parameter statusSecret: the 查询码 (`newStatusSecret()`) handed to the applicant with
    ///   the number; only its hash is kept.
    public func submit(dataset: String, applicant: Applicant, conditions: String, statusSecret: String? = nil,
                       now: Date = Date()) throws -> AccessApplication {
        try update { list in
            var number: String
            repeat { number = Self.newNumber(now) } while list.contains(where: { $0.number == number })
            let application = AccessApplication(
                number: number, dataset: dataset, submitted: ReleaseTime.iso(now), status: .pending, name: applicant.name,
                organisation: applicant.organisation, purpose: applicant.purpose, contact: applicant.contact,
                conditionsSHA256: SHA256Hex.of(Array(conditions.utf8)), downloads: 0, apiCalls: 0,
                statusSecretSHA256: statusSecret.map { Self.hash(Self.normalizedSecret($0)) })
            list.append(application)
            return application
        }
    }

    /// Approves a pending application: returns it and its new token, which is shown once and never stored.
    /// - Parameters:
    ///   - days: the token's lifetime (`access.token_days`).
    ///   - firstVersion, lastVersion: the versions it opens (nil: unbounded on that side).
    public func approve(_ number: String, by: String, note: String?, days: Int, firstVersion: String? = nil, lastVersion: String? = nil,
                        now: Date = Date()) throws -> (AccessApplication, token: String) {
        let token = "odpat_" + SHA256Hex.hex((0..<32).map { _ in UInt8.random(in: 0...255) })
        let application = try decide(number, from: [.pending], by: by, note: note, now: now) { a in
            a.status = .approved
            a.tokenSHA256 = Self.hash(token)
            a.expires = ReleaseTime.iso(now.addingTimeInterval(TimeInterval(days) * 86_400))
            a.firstVersion = firstVersion
            a.lastVersion = lastVersion
        }
        return (application, token)
    }

    public func reject(_ number: String, by: String, note: String?, now: Date = Date()) throws -> AccessApplication {
        try decide(number, from: [.pending], by: by, note: note, now: now) { $0.status = .rejected }
    }

    /// Stops an approved application's token at once.
    public func revoke(_ number: String, by: String, note: String?, now: Date = Date()) throws -> AccessApplication {
        try decide(number, from: [.approved], by: by, note: note, now: now, decision: false) { a in
            a.status = .revoked
            a.revoked = ReleaseTime.iso(now)
        }
    }

    private func decide(_ number: String, from allowed: Set<AccessApplication.Status>, by: String, note: String?, now: Date,
                        decision: Bool = true, _ change: (inout AccessApplication) -> Void) throws -> AccessApplication {
        try update { list in
            guard let i = list.firstIndex(where: { $0.number == number }) else {
                throw ODPError.usage("没有编号为 \(number) 的数据申请（no such application）：用 odp access list 查看").coded(.accessApplication)
            }
            guard allowed.contains(list[i].status) else {
                throw ODPError.usage("数据申请 \(number) 当前状态为「\(list[i].status.title)」，不能执行该操作（application is \(list[i].status.rawValue)）").coded(.accessApplication)
            }
            if decision {
                list[i].decidedBy = by
                list[i].decided = ReleaseTime.iso(now)
            }
            if let note { list[i].note = note }
            change(&list[i])
            return list[i]
        }
    }

    /// Whether `token` opens `version` of `dataset` at `now`; a granted use is counted (a
    /// nil `use`, e.g. a HEAD request, is not).
    public func check(token: String, dataset: String, version: String, use: Use?, now: Date = Date()) throws -> Check {
        let hash = Self.hash(token)
        return try update { list in
            guard let i = list.firstIndex(where: { $0.tokenSHA256 == hash }) else { return .refused(.tokenInvalid) }
            let a = list[i]
            if a.status == .revoked { return .refused(.tokenRevoked) }
            guard a.status == .approved else { return .refused(.tokenInvalid) }
            if let expires = a.expires, expires <= ReleaseTime.iso(now) { return .refused(.tokenExpired) }
            guard a.dataset == dataset else { return .refused(.otherDataset) }
            if let first = a.firstVersion, VersionOrder.precedes(version, first) { return .refused(.versionOutOfRange) }
            if let last = a.lastVersion, VersionOrder.precedes(last, version) { return .refused(.versionOutOfRange) }
            switch use {
            case .download: list[i].downloads += 1
            case .api: list[i].apiCalls += 1
            case nil: return .granted(a)
            }
            list[i].lastUsed = ReleaseTime.iso(now)
            return .granted(list[i])
        }
    }

    /// Empties the personal fields of applications that ended more than `retentionDays` ago
    /// (`access.retention_days`); returns their numbers.
    public func purge(retentionDays: Int, now: Date = Date()) throws -> [String] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let cutoff = ReleaseTime.iso(now.addingTimeInterval(-TimeInterval(retentionDays) * 86_400))
        return try update { list in
            var purged: [String] = []
            for i in list.indices where list[i].purged == nil {
                guard let ended = list[i].ended, ended <= cutoff else { continue }
                list[i].name = nil
                list[i].organisation = nil
                list[i].purpose = nil
                list[i].contact = nil
                list[i].note = nil
                list[i].purged = ReleaseTime.iso(now)
                purged.append(list[i].number)
            }
            return purged
        }
    }

    /// The application `number` when `secret` is its 查询码, or — for one submitted before
    /// 查询码 existed — the contact it gave (ignoring case and surrounding space); nil for an
    /// unknown number and a wrong secret alike, so the answer never tells whether a number exists.
    public func lookup(_ number: String, secret: String) throws -> AccessApplication? {
        let given = Array(Self.hash(Self.normalizedSecret(secret)).utf8)
        let contact = Array(Self.hash(secret.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()).utf8)
        guard let a = try application(number) else { return nil }
        if let stored = a.statusSecretSHA256 { return Self.same(Array(stored.utf8), given) ? a : nil }
        guard let c = a.contact, !c.isEmpty else { return nil }
        return Self.same(Array(Self.hash(c.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()).utf8), contact) ? a : nil
    }

    /// A new 查询码: 16 characters of an alphabet without look-alikes (80 bits), in groups of four.
    public static func newStatusSecret() -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        let chars = (0..<16).map { _ in alphabet.randomElement()! }
        return stride(from: 0, to: 16, by: 4).map { String(chars[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// A 查询码 as typed: case, spaces and hyphens do not matter.
    static func normalizedSecret(_ s: String) -> String {
        String(s.uppercased().unicodeScalars.filter { $0 != "-" && !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init))
    }

    /// Constant-time comparison of two hashes of equal length.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    /// Pending applications that have waited more than `limit` working days.
    public func overdue(limit: Int, now: Date = Date()) throws -> [AccessApplication] {
        try applications().filter { $0.status == .pending && (WorkingDays.between($0.submitted, now) ?? 0) > limit }
    }

    /// Reads, changes and writes the file under the lock.
    func update<T>(_ body: (inout [AccessApplication]) throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(lockFile.path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw ODPError.system(lockFile.path, errno: errno) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw ODPError.system(lockFile.path, errno: errno) }
        defer { flock(fd, LOCK_UN) }
        var list = try applications()
        let before = list
        let result = try body(&list)
        if list != before { try AtomicFile.write(try ArtifactCodec.encode(AccessApplications(applications: list)), to: file, mode: 0o600) }
        return result
    }

    static func hash(_ token: String) -> String { SHA256Hex.of(Array(token.utf8)) }

    static func newNumber(_ now: Date) -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        let day = BeijingTime.day(ReleaseTime.iso(now)).replacingOccurrences(of: "-", with: "")
        return "SQ\(day)-" + String((0..<6).map { _ in alphabet.randomElement()! })
    }
}
