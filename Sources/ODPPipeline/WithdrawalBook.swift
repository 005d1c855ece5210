import Foundation
import ODPCore
import ODPRelease

/// Withdrawals (撤回) of published datasets and versions: `odp withdraw` records them in
/// `state/withdrawals.json` and the audit trail, then takes them out of the output folder.
/// The reason is published (410 pages, feeds), so it passes the identifier scan first.
///
/// ## Taking a version out (`apply`)
/// Each step is atomic and the whole is idempotent, so a run killed at any point is
/// completed by the next `odp withdraw` or `odp run`, and no step ever serves a withdrawn file:
/// 1. `latest.json` moves to the newest public version not withdrawn, or goes when none is left;
/// 2. the version folder is renamed into the quarantine `state/withdrawn/<dataset>/` (0700);
/// 3. a folder with only the tombstone `WITHDRAWN.json` takes its place, so the portal answers
///    410 and the version number is never made again;
/// 4. its zip moves from `packages/` into the quarantine too.
public struct WithdrawalBook {
    public static let maxLength = 2000
    let layout: OutputLayout

    public init(layout: OutputLayout) { self.layout = layout }

    var url: URL { layout.state.appendingPathComponent(WithdrawalList.artifactName) }
    var quarantine: URL { ReleaseReader.quarantineRoot(layout.root) }
    /// Where a dataset's withdrawn files are kept (never served or uploaded).
    public func quarantineFolder(_ dataset: String) -> URL { quarantine.appendingPathComponent(dataset) }

    /// What `record` did.
    public enum Recorded: Equatable {
        /// A new withdrawal.
        case new(Withdrawal)
        /// Nothing: an earlier withdrawal already covers it (the same one run again, or a
        /// version of a dataset withdrawn as a whole).
        case already(Withdrawal)
    }

    /// The steps of `apply`, for tests that stop it between two of them as a crash would.
    public enum Step: String, Sendable {
        case latestMoved, versionMoved, tombstoneWritten, packageMoved
    }

    public func list(dataset: String? = nil) throws -> [Withdrawal] {
        let all = try ArtifactCodec.read(WithdrawalList.self, at: url)?.withdrawals ?? []
        return dataset.map { id in all.filter { $0.dataset == id } } ?? all
    }

    /// The whole-dataset withdrawal in force, if any: `odp run` skips the dataset.
    public func activeDatasetWithdrawal(_ dataset: String) throws -> Withdrawal? {
        try ArtifactCodec.read(WithdrawalList.self, at: url)?.activeDatasetWithdrawal(dataset)
    }

    /// Records the withdrawal of a published version (or, `version` nil, of the dataset and
    /// every version of it). Run `apply` next.
    public func record(dataset: String, version: String?, reason: String, by: String, now: Date = Date()) throws -> Recorded {
        if let earlier = Self.earlier(WithdrawalList(withdrawals: try list(dataset: dataset)), dataset: dataset, version: version) { return .already(earlier) }
        let reason = try PublishedNote.check(reason, what: "撤回原因", option: "--reason", maxLength: Self.maxLength, code: .withdrawalRejected, now: now)
        let by = try Self.checkBy(by)
        let published = try publicVersions(dataset)
        if let version {
            guard published.contains(version) else {
                throw ODPError.usage("\(dataset) 没有已发布的版本 \(version)（no release）；只能撤回已发布的版本，用 odp status 查看版本").coded(.noRelease)
            }
        } else if published.isEmpty {
            throw ODPError.usage("\(dataset) 没有已发布的版本（no release）；只能撤回已发布过的数据集，用 odp status 查看").coded(.noRelease)
        }
        var result: Recorded?
        try ArtifactCodec.update(WithdrawalList.self, at: url, empty: WithdrawalList()) { list in
            // Another withdraw may have recorded it since the look above.
            if let earlier = Self.earlier(list, dataset: dataset, version: version) {
                result = .already(earlier)
                return
            }
            let w = Withdrawal(number: "\(dataset)-W\(list.of(dataset: dataset).count + 1)", dataset: dataset, version: version, reason: reason,
                               by: by, recorded: ReleaseTime.iso(now), versions: version == nil ? published : nil)
            list.withdrawals.append(w)
            result = .new(w)
        }
        if case .new(let w) = result! {
            try AuditTrail(url: layout.auditLog).record("withdrawal_recorded", dataset: dataset,
                                                        details: AuditDetails(version: version, reason: reason, by: by, note: w.number))
        }
        return result!
    }

    /// Lifts a whole-dataset withdrawal so `odp run` makes new versions again. The versions it
    /// took out stay withdrawn (their numbers, tombstones and 410s stay).
    public func restore(dataset: String, reason: String, by: String, now: Date = Date()) throws -> Withdrawal {
        let reason = try PublishedNote.check(reason, what: "恢复原因", option: "--reason", maxLength: Self.maxLength, code: .withdrawalRejected, now: now)
        let by = try Self.checkBy(by)
        // Finish taking out what it withdrew first: afterwards it covers only those versions.
        _ = try apply(dataset: dataset)
        var restored: Withdrawal?
        try ArtifactCodec.update(WithdrawalList.self, at: url, empty: WithdrawalList()) { list in
            guard let i = list.withdrawals.lastIndex(where: { $0.dataset == dataset && $0.version == nil && $0.restored == nil }) else {
                throw ODPError.usage("数据集 \(dataset) 没有整体撤回，无需恢复（not withdrawn）；单个版本的撤回不能恢复").coded(.withdrawalRejected)
            }
            list.withdrawals[i].restored = ReleaseTime.iso(now)
            restored = list.withdrawals[i]
        }
        try AuditTrail(url: layout.auditLog).record("withdrawal_restored", dataset: dataset,
                                                    details: AuditDetails(reason: reason, by: by, note: restored!.number))
        return restored!
    }

    /// Takes every withdrawn version of `dataset` out of the output folder (see the type's
    /// steps); returns the versions this call finished (tombstoned). Safe to run again at any time.
    /// - Parameter step: called after each step (tests stop there as a crash would).
    public func apply(dataset: String, step: (Step) throws -> Void = { _ in }) throws -> [String] {
        let withdrawals = try list(dataset: dataset)
        guard !withdrawals.isEmpty else { return [] }
        let releases = ReleaseReader.releasesDirectory(dataset, layout.root)
        let covering = { (version: String) in withdrawals.last { $0.covers(version) } }
        try moveLatest(dataset, covered: { covering($0) != nil })
        try step(.latestMoved)
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: releases.path)) ?? [])
            + ((try? fm.contentsOfDirectory(atPath: quarantine.appendingPathComponent(dataset).path)) ?? [])
        var finished: [String] = []
        for version in Set(names.filter { ReleaseWriter.newestVersion([$0]) == $0 }).sorted() {
            guard let w = covering(version), try takeOut(dataset, version, w, step: step) else { continue }
            finished.append(version)
            try AuditTrail(url: layout.auditLog).record("withdrawal_applied", dataset: dataset, details: AuditDetails(version: version, note: w.number))
        }
        return finished
    }

    /// Steps 2–4 for one version; true when this call wrote its tombstone.
    private func takeOut(_ dataset: String, _ version: String, _ w: Withdrawal, step: (Step) throws -> Void) throws -> Bool {
        let fm = FileManager.default
        let folder = ReleaseReader.releasesDirectory(dataset, layout.root).appendingPathComponent(version)
        let kept = try privateFolder(quarantine.appendingPathComponent(dataset))
        let keptVersion = kept.appendingPathComponent(version)
        var tombstoned = false
        if fm.fileExists(atPath: folder.appendingPathComponent(ReleaseMetadata.fileName).path) {
            guard !fm.fileExists(atPath: keptVersion.path) else {
                throw ODPError.io(keptVersion.path, "隔离区已有该版本，而发布目录中仍有其完整文件；请人工核对两处后删去其一再重试（quarantine already holds this version）")
                    .coded(.withdrawalRejected)
            }
            try move(folder, to: keptVersion)
            try step(.versionMoved)
        }
        if !fm.fileExists(atPath: folder.path) {
            let package = (try? DataPackageDescriptor.read(release: keptVersion)) ?? nil
            let tombstone = WithdrawnVersion(number: w.number, dataset: dataset, version: version, title: package?.title ?? dataset,
                                             code: package?.id, reason: w.reason, withdrawn: w.recorded)
            let temporary = folder.deletingLastPathComponent().appendingPathComponent(TemporaryName.release("withdrawn-\(version)"))
            try? fm.removeItem(at: temporary)
            do { try fm.createDirectory(at: temporary, withIntermediateDirectories: true) } catch { throw ODPError.from(error, path: temporary.path) }
            try ArtifactCodec.write(tombstone, to: temporary.appendingPathComponent(WithdrawnVersion.fileName))
            try move(temporary, to: folder)
            tombstoned = true
            try step(.tombstoneWritten)
        }
        let zip = layout.root.appendingPathComponent("packages/\(dataset)-\(version).zip")
        if fm.fileExists(atPath: zip.path) {
            let keptPackages = try privateFolder(kept.appendingPathComponent("packages"))
            try move(zip, to: keptPackages.appendingPathComponent(zip.lastPathComponent))
            try step(.packageMoved)
        }
        return tombstoned
    }

    /// Step 1: `latest.json` off every withdrawn version, onto the newest public one left.
    private func moveLatest(_ dataset: String, covered: (String) -> Bool) throws {
        guard let latest = try ReleaseReader.latest(datasetId: dataset, root: layout.root), covered(latest.version) else { return }
        let approvals = try Approvals(url: layout.approvals)
        let next = try ReleaseReader.versions(datasetId: dataset, root: layout.root).last {
            !covered($0.version) && Self.isPublic($0, approvals: approvals)
        }
        if let next {
            try ReleaseWriter.promote(datasetId: dataset, version: next.version, root: layout.root)
        } else {
            let pointer = ReleaseReader.releasesDirectory(dataset, layout.root).appendingPathComponent(LatestPointer.fileName)
            do { try FileManager.default.removeItem(at: pointer) } catch { throw ODPError.from(error, path: pointer.path) }
            AtomicFile.syncDirectory(pointer.deletingLastPathComponent())
        }
    }

    /// The tombstones under `releases/<dataset>/`, oldest version first.
    public static func tombstones(_ dataset: String, layout: OutputLayout) -> [WithdrawnVersion] {
        let releases = ReleaseReader.releasesDirectory(dataset, layout.root)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: releases.path)) ?? []
        return names.compactMap { name in ReleaseWriter.newestVersion([name]) == name ? name : nil }
            .sorted { ReleaseWriter.newestVersion([$0, $1]) == $1 }
            .compactMap { (try? WithdrawnVersion.read(release: releases.appendingPathComponent($0))) ?? nil }
    }

    /// Versions researchers can download now: released, approved, or the latest.
    func publicVersions(_ dataset: String) throws -> [String] {
        let approvals = try Approvals(url: layout.approvals)
        return try ReleaseReader.versions(datasetId: dataset, root: layout.root).filter { Self.isPublic($0, approvals: approvals) }.map(\.version)
    }

    static func isPublic(_ release: ReleaseInfo, approvals: Approvals) -> Bool {
        release.status == ReleaseMetadata.Status.released.rawValue || approvals.isApproved(dataset: release.datasetId, version: release.version)
    }

    /// The withdrawal in `list` that already covers withdrawing `version` of `dataset` (nil:
    /// the whole dataset, which a restored withdrawal no longer covers).
    static func earlier(_ list: WithdrawalList, dataset: String, version: String?) -> Withdrawal? {
        version.map { list.covering(dataset: dataset, version: $0) } ?? list.activeDatasetWithdrawal(dataset)
    }

    static func checkBy(_ by: String) throws -> String {
        let by = by.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !by.isEmpty, by.count <= 100 else { throw ODPError.usage("--by 须给出操作人（1–100 字），记入审计日志").coded(.withdrawalRejected) }
        return by
    }

    /// `folder`, created with mode 0700 (its parents under state/ too) when missing.
    private func privateFolder(_ folder: URL) throws -> URL {
        var missing: [URL] = []
        var at = folder
        while !FileManager.default.fileExists(atPath: at.path), at.path.hasPrefix(layout.state.path + "/") {
            missing.insert(at, at: 0)
            at = at.deletingLastPathComponent()
        }
        for dir in missing {
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700]) } catch {
                throw ODPError.from(error, path: dir.path)
            }
        }
        return folder
    }

    private func move(_ from: URL, to: URL) throws {
        guard rename(from.path, to.path) == 0 else { throw ODPError.io(from.path, "无法改名为 \(to.path)（cannot rename）：\(String(cString: strerror(errno)))") }
        AtomicFile.syncDirectory(from.deletingLastPathComponent())
        AtomicFile.syncDirectory(to.deletingLastPathComponent())
    }
}
