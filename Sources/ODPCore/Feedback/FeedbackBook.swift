import Foundation

/// The public's 纠错与意见 on each dataset, routed to the department's private feedback folder:
/// `state/feedback/<dataset>.public.json` (file 0600), beside the run's 问题数据清单. The portal
/// adds submissions; `odp feedback` and the portal's officer queue change their status. Every
/// change is a locked read-modify-write (`ArtifactCodec.update`), so the portal and the
/// command line never lose each other's update.
///
/// # Status
/// received → accepted → fixed (in a published version, with its erratum) or declined (with a
/// public reason); fixed and declined may also follow received directly, and are final.
public struct FeedbackBook: Sendable {
    public let directory: URL

    /// - Parameter state: the output's `state/` folder.
    public init(state: URL) { directory = state.appendingPathComponent("feedback") }

    public static let suffix = ".public.json"

    public func file(_ dataset: String) -> URL { directory.appendingPathComponent(dataset + Self.suffix) }

    /// One dataset's submissions, oldest first (none when it has no file yet).
    public func items(_ dataset: String) throws -> [FeedbackItem] {
        try ArtifactCodec.read(FeedbackEntries.self, at: file(dataset))?.items ?? []
    }

    /// Every dataset's submissions, by dataset then number.
    public func all() throws -> [FeedbackItem] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return try names.filter { $0.hasSuffix(Self.suffix) }.sorted().flatMap { name in
            try items(String(name.dropLast(Self.suffix.count)))
        }
    }

    public func item(_ number: String) throws -> FeedbackItem? {
        guard let dataset = Self.dataset(of: number) else { return nil }
        return try items(dataset).first { $0.number == number }
    }

    /// Records a submission as received and returns it with its number.
    /// - Parameter withheld: the identifier scan found personal data in the text.
    public func submit(dataset: String, _ s: FeedbackForm.Submission, withheld: Bool, now: Date = Date()) throws -> FeedbackItem {
        var added: FeedbackItem?
        try ArtifactCodec.update(FeedbackEntries.self, at: file(dataset), empty: FeedbackEntries(), mode: 0o600) { list in
            let item = FeedbackItem(number: "\(dataset)-F\(list.items.count + 1)", dataset: dataset, kind: s.kind, version: s.version,
                                    text: s.text, withheld: withheld, contact: s.contact, received: ReleaseTime.iso(now), status: .received)
            list.items.append(item)
            added = item
        }
        return added!
    }

    public func accept(_ number: String, by: String, now: Date = Date()) throws -> FeedbackItem {
        try change(number, from: [.received], by: by, now: now) { $0.status = .accepted }
    }

    /// Marks it fixed in `version`, which must be one of the dataset's `published` versions;
    /// `erratum`, when given, must be one of its correction notices (`errata`).
    public func fix(_ number: String, version: String, erratum: String?, by: String, published: [String], errata: [Erratum],
                    now: Date = Date()) throws -> FeedbackItem {
        let dataset = Self.dataset(of: number) ?? ""
        guard published.contains(version) else {
            throw ODPError.usage("\(dataset) 没有已发布的版本 \(version)（no release）：修正须落在已发布的版本上，用 odp status 查看版本").coded(.feedbackChange)
        }
        if let erratum, !errata.contains(where: { $0.number == erratum && $0.dataset == dataset }) {
            throw ODPError.usage("\(dataset) 没有编号为 \(erratum) 的勘误（no such erratum）：先用 odp erratum 记录勘误").coded(.feedbackChange)
        }
        return try change(number, from: [.received, .accepted], by: by, now: now) { item in
            item.status = .fixed
            item.fixedIn = version
            item.erratum = erratum
        }
    }

    public static let reasonLimit = 500

    /// Declines it with a `reason` that is shown publicly: required, at most 500 characters,
    /// and without personal identifiers (`gate`, the published-file scanner).
    public func decline(_ number: String, reason: String, by: String, gate: any PublishedFileGate, now: Date = Date()) throws -> FeedbackItem {
        let checked = FormText.check(reason, label: "不予采纳的理由", max: Self.reasonLimit)
        if let problem = checked.problem { throw ODPError.usage(problem + "（--reason）").coded(.feedbackChange) }
        let findings = gate.inspect(file: "不予采纳的理由", bytes: Data(checked.value.utf8))
        guard findings.isEmpty else {
            throw ODPError.usage("不予采纳的理由会公开，但其中有个人信息：" + findings.map(\.reason).joined(separator: "；") + "。请删去后重试").coded(.feedbackChange)
        }
        return try change(number, from: [.received, .accepted], by: by, now: now) { item in
            item.status = .declined
            item.reason = checked.value
        }
    }

    /// Items still 已收到 — no data officer has accepted, fixed or declined them — more than
    /// `limit` working days after they arrived (`odp run` names them in its notification).
    public func unanswered(limit: Int, now: Date = Date()) throws -> [FeedbackItem] {
        try all().filter { $0.status == .received && (WorkingDays.between($0.received, now) ?? 0) > limit }
    }

    /// Empties the contact of every answered item (fixed or declined) whose answer is older
    /// than `retentionDays`: the submitter needed it only until the answer reached them.
    /// Answers the numbers it emptied.
    public func purgeContacts(retentionDays: Int, now: Date = Date()) throws -> [String] {
        let cutoff = ReleaseTime.iso(now.addingTimeInterval(-TimeInterval(retentionDays) * 86_400))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var purged: [String] = []
        for name in names.filter({ $0.hasSuffix(Self.suffix) }).sorted() {
            let dataset = String(name.dropLast(Self.suffix.count))
            guard try items(dataset).contains(where: { Self.expired($0, cutoff: cutoff) }) else { continue }
            try ArtifactCodec.update(FeedbackEntries.self, at: file(dataset), empty: FeedbackEntries(), mode: 0o600) { list in
                for i in list.items.indices where Self.expired(list.items[i], cutoff: cutoff) {
                    list.items[i].contact = nil
                    purged.append(list.items[i].number)
                }
            }
        }
        return purged
    }

    private static func expired(_ item: FeedbackItem, cutoff: String) -> Bool {
        guard item.contact != nil, item.status == .fixed || item.status == .declined, let changed = item.changed else { return false }
        return changed <= cutoff
    }

    private func change(_ number: String, from allowed: Set<FeedbackItem.Status>, by: String, now: Date,
                        _ body: (inout FeedbackItem) -> Void) throws -> FeedbackItem {
        guard let dataset = Self.dataset(of: number), FileManager.default.fileExists(atPath: file(dataset).path) else { throw Self.unknown(number) }
        var changed: FeedbackItem?
        try ArtifactCodec.update(FeedbackEntries.self, at: file(dataset), empty: FeedbackEntries(), mode: 0o600) { list in
            guard let i = list.items.firstIndex(where: { $0.number == number }) else { throw Self.unknown(number) }
            guard allowed.contains(list.items[i].status) else {
                throw ODPError.usage("反馈 \(number) 当前状态为「\(list.items[i].statusTitle)」，不能执行该操作（feedback is \(list.items[i].status.rawValue)）")
                    .coded(.feedbackChange)
            }
            let time = ReleaseTime.iso(now)
            if list.items[i].responded == nil { list.items[i].responded = time }
            list.items[i].changed = time
            list.items[i].by = by
            body(&list.items[i])
            changed = list.items[i]
        }
        return changed!
    }

    static func unknown(_ number: String) -> ODPError {
        ODPError.usage("没有编号为 \(number) 的反馈（no such feedback）：用 odp feedback list 查看").coded(.feedbackChange)
    }

    /// `air-quality-F3` → `air-quality`; nil for anything that is not a feedback number or
    /// whose dataset part could name a path outside the folder.
    public static func dataset(of number: String) -> String? {
        guard let r = number.range(of: "-F", options: .backwards), !number[r.upperBound...].isEmpty,
              number[r.upperBound...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let id = String(number[..<r.lowerBound])
        guard !id.isEmpty, !id.hasPrefix("."), id.utf8.count <= 128,
              id.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }) else {
            return nil
        }
        return id
    }
}
