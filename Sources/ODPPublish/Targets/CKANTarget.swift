import Foundation
import ODPCore

/// Publishes to a CKAN portal (2.9+) through its Action API.
///
/// A researcher who reads the dataset at any moment sees one version whole: its `version`
/// and exactly its files. So a version is first uploaded completely, each new or changed
/// file as a resource named `（上传中 <version>）<path>` (visibly not part of the current set),
/// and then switched to in one `package_revise`: it writes the metadata and `version`, opens
/// the dataset, and replaces the resource list with the new version's resources under their
/// final names — in one database transaction, guarded by `match` on the `metadata_modified`
/// just read. Unchanged files keep their resource. A new dataset stays private until then.
///
/// Resuming after a crash needs no local state: a staged resource with the right hash is
/// the upload, found again by its name. CKAN loses resources when uploads to one dataset run
/// in parallel (each `resource_create` rewrites the package); here they never do.
final class CKANTarget: PublishTarget {
    let settings: TargetSettings
    let client: CKANClient
    let publisherName: String
    /// `public_base_url`: the dataset's portal page becomes CKAN's `url`.
    let portal: String?
    private var sizeLimit: Int64??

    init(settings: TargetSettings, token: String, options: TransferOptions, publisherName: String, portal: String? = nil) {
        self.settings = settings
        client = CKANClient(url: settings.url ?? "", token: token, options: options)
        self.publisherName = publisherName
        self.portal = portal
    }

    func publish(_ job: PublishJob, session: PublishSession) throws {
        try preflight(job)
        let org = try organization(for: job, session.log)
        let name = job.catalog.map { CKANNames.dataset(code: $0.code) } ?? settings.catalogDataset
        let package = try ensurePackage(name, org: org, job: job, session.log)
        if !job.isCatalog, package.extra(Self.withdrawnVersionKey) == job.version {
            throw PublishedFile.withdrawn("\(client.base)/dataset/\(name)", version: job.version)
        }
        let (chosen, uploaded) = try stageFiles(job, name: name, package: package, session.log)
        try switchTo(name, job: job, resources: chosen, session.log)
        for file in job.files {
            try session.confirm(file, remote: chosen[file.path] ?? "", uploaded: uploaded.contains(file.path))
        }
    }

    /// Every file of `job` as a resource of the dataset: the one already there with its hash,
    /// else a new staged upload. Returns the resource id per path and the paths uploaded now.
    private func stageFiles(_ job: PublishJob, name: String, package: CKANPackage, _ log: PublishLog) throws -> ([String: String], Set<String>) {
        var package = package
        // The version the dataset already names is published and stays as it is.
        let published = !job.isCatalog && package.publishedVersion == job.version
        var chosen: [String: String] = [:]
        var uploaded: Set<String> = []
        for file in job.files {
            let staging = CKANResourceLabel.stagingName(file, version: job.version)
            if let r = package.resource(named: file.path) ?? package.resource(named: staging), r.hash == file.sha256 {
                chosen[file.path] = r.id
                continue
            }
            if published && !job.repair {
                throw PublishedFile.refusal("\(client.base)/dataset/\(name) \(file.path)", version: job.version)
            }
            chosen[file.path] = try stage(file, name: staging, version: job.version, packageID: package.id, log)
            uploaded.insert(file.path)
            package = try retrying("package_show \(name)") { try client.package(name) } ?? package
        }
        return (chosen, uploaded)
    }

    // MARK: withdrawal

    /// CKAN holds one version per dataset (its `version` and resources), so:
    /// - a withdrawn version that is not the one the dataset names has nothing here;
    /// - when it is, one `package_revise` switches the dataset to the version that stays
    ///   current (its files staged first, as for a release) or, when none is at hand, empties
    ///   its resource list and clears `version`; the extras `withdrawn_version`,
    ///   `withdrawal_number`, `withdrawal_reason` and `withdrawal_date` record why;
    /// - a withdrawn dataset gets the extras `withdrawn` = `true` and the others, the reason in
    ///   front of its description and an empty resource list in one `package_revise`, and is
    ///   then deleted (`package_delete`). Harvesters (ckanext-harvest, data.gov-style CKAN
    ///   harvesters) drop a dataset that is gone from the source, and a deleted one is; a
    ///   private one would merely vanish from `package_search` on some harvesters and stay
    ///   on others. The record stays in CKAN's trash with the reason, for sysadmins.
    ///
    /// CKAN keeps uploaded files in its storage after their resource is removed; they are no
    /// longer linked from the dataset. A re-run finds the dataset already switched or deleted.
    func withdraw(_ job: WithdrawJob, session: WithdrawSession) throws {
        let name = CKANNames.dataset(code: job.catalog.code)
        if let package = try retrying("package_show \(name)", { try client.package(name) }) {
            let empty = PublishJob(dataset: job.dataset, version: "", catalog: job.catalog, files: [])
            if job.wholeDataset {
                try switchTo(name, job: empty, resources: [:], withdrawal: job.withdrawal, session.log)
                try settings.retry.run("package_delete \(name)", log: session.log) { try client.call("package_delete", CKANRequest.ID(id: package.id)) }
                session.log.note("\(settings.name): \(name) deleted (\(job.withdrawal.number))")
            } else if let named = package.version, job.covered.contains(named) {
                let next = job.current.flatMap { job.covered.contains($0.version) ? nil : $0 } ?? empty
                let (chosen, _) = try stageFiles(next, name: name, package: package, session.log)
                try switchTo(name, job: next, resources: chosen, withdrawal: job.withdrawal, session.log)
            }
        }
        for version in job.pending { try session.confirm(version, remote: "\(client.base)/dataset/\(name)") }
    }

    static let withdrawnVersionKey = "withdrawn_version"

    /// The extras that say what was withdrawn, why and when.
    static func withdrawalExtras(_ w: Withdrawal) -> [CKANPackageFields.Extra] {
        [.init(key: w.version == nil ? "withdrawn" : withdrawnVersionKey, value: w.version ?? "true"),
         .init(key: "withdrawal_date", value: w.recorded), .init(key: "withdrawal_number", value: w.number),
         .init(key: "withdrawal_reason", value: w.reason)]
    }

    // MARK: size limit

    /// Refuses locally what the server would refuse with a 413 after the whole body was sent.
    private func preflight(_ job: PublishJob) throws {
        if sizeLimit == nil {
            try retrying("status_show") { try client.call("status_show", CKANRequest.Empty()) }
            if let mb = settings.maxResourceSizeMB {
                sizeLimit = .some(Int64(mb) << 20)
            } else if let value = try? client.call("config_option_show", CKANRequest.Key(key: "ckan.max_resource_size"), as: ArtifactJSON.self),
                      let mb = Self.integer(value) {
                sizeLimit = .some(mb << 20)
            } else {
                sizeLimit = .some(nil)
            }
        }
        if let limit = sizeLimit ?? nil {
            for file in job.files where file.size > limit {
            throw ODPError.io(file.path, "文件有 \(file.size) 字节，超过门户的上传上限 \(limit >> 20) MB（over the portal's upload limit，"
                    + "ckan.max_resource_size）；什么也没有上传。请平台调高上限，或拆分该资源").coded(.publish)
            }
        }
        // A proxy in front of the portal (nginx client_max_body_size) answers 413 only after the
        // body was sent; a body-less probe of the largest file's size finds out first.
        guard let largest = job.files.max(by: { $0.size < $1.size }), largest.size > Self.probeThreshold else { return }
        let status = try settings.retry.run("size probe", log: nil) {
            try Transfer.probeBodyLimit(url: "\(client.base)/api/3/action/status_show", size: largest.size, options: client.options)
        }
        if status == 413 {
            throw ODPError.io(largest.path, "文件有 \(largest.size) 字节，门户的 Web 服务器拒绝这么大的请求（HTTP 413，"
                + "不带内容的探测请求即被拒绝）；什么也没有上传。请平台调高上传上限（nginx client_max_body_size），或拆分该资源").coded(.publish)
        }
    }

    static let probeThreshold: Int64 = 256 << 10

    // MARK: organization and dataset

    private func organization(for job: PublishJob, _ log: PublishLog) throws -> String {
        guard settings.createOrganizations else { return settings.organization ?? "" }
        let name: String
        let title: String
        if let c = job.catalog {
            name = CKANNames.organization(providerCode: c.providerCode.isEmpty ? c.provider : c.providerCode)
            title = c.provider
        } else if let configured = settings.organization {
            return configured
        } else {
            name = CKANNames.organization(providerCode: publisherName)
            title = publisherName
        }
        if try retrying("organization_show \(name)", { try client.organization(name) }) != nil { return name }
        log.note("\(settings.name): creating organization \(name)")
        _ = try settings.retry.run("organization_create \(name)", log: log, recheck: { try self.client.organization(name) }) {
            try client.call("organization_create", CKANRequest.Organization(name: name, title: title), as: CKANPackage.Organization.self)
        }
        return name
    }

    private func ensurePackage(_ name: String, org: String, job: PublishJob, _ log: PublishLog) throws -> CKANPackage {
        if let p = try retrying("package_show \(name)", { try client.package(name) }) { return p }
        var body = CKANMetadata.fields(job, publisher: publisherName)
        body.name = name
        body.ownerOrg = org
        // Private until every file is there; updateMetadata opens it.
        body.isPrivate = true
        body.version = nil
        log.note("\(settings.name): creating dataset \(name)")
        return try settings.retry.run("package_create \(name)", log: log, recheck: { try self.client.package(name) }) {
            try client.call("package_create", body, as: CKANPackage.self)
        }
    }

    /// Uploads `file` as a new resource under its staging name. A retry first looks for the
    /// copy a lost answer made, so it never adds a second one; a copy that still arrives late
    /// is not in the list the switch writes, which removes it.
    private func stage(_ file: UploadFile, name: String, version: String, packageID: String, _ log: PublishLog) throws -> String {
        let fields = ["package_id": packageID, "name": name, "hash": file.sha256, "size": String(file.size), "format": file.format,
                      "description": CKANResourceLabel.stagingDescription(version: version)]
        let recheck: () throws -> String? = {
            guard let p = try self.client.package(packageID), let r = p.resource(named: name), r.hash == file.sha256 else { return nil }
            return r.id
        }
        return try settings.retry.run("resource_create \(file.path)", log: log, recheck: recheck) {
            try client.upload("resource_create", fields: fields, file: file).id
        }
    }

    /// The switch: one `package_revise` writes the catalog metadata and `version`, opens the
    /// dataset and replaces its resource list with exactly `resources` under their final
    /// names (`filter` drops the old list first; otherwise CKAN merges the lists by position).
    /// Resources of the old version, and staged copies no longer wanted, go in the same
    /// transaction. Nothing is written when the dataset already says exactly that. `match`
    /// refuses the write when someone changed the dataset since it was read; then it is
    /// read again. After the write the dataset is read back until it shows the list, so a
    /// late request that changed it meanwhile is undone.
    ///
    /// `filter` drops the old extras too, and the list written keeps every extra ODP does not
    /// set (CKAN would otherwise merge the two lists by position). A `withdrawal` adds its
    /// extras (and, for a whole dataset, the reason in front of the description).
    private func switchTo(_ name: String, job: PublishJob, resources: [String: String], withdrawal: Withdrawal? = nil, _ log: PublishLog) throws {
        var wanted = CKANMetadata.fields(job, publisher: publisherName, portal: portal)
        wanted.isPrivate = false
        if let withdrawal {
            wanted.extras += Self.withdrawalExtras(withdrawal)
            if withdrawal.version == nil { wanted.notes = "【已撤回（withdrawn）】\(withdrawal.reason)\n\n\(wanted.notes)" }
        }
        let ours = wanted.extras
        for round in 1...Self.switchRounds {
            guard let current = try retrying("package_show \(name)", { try client.package(name) }) else {
                throw ODPError.io(name, "上传过程中门户上的数据集 \(name) 消失了（disappeared while publishing）")
            }
            let keys = Set(ours.map(\.key))
            wanted.extras = ours + (current.extras ?? []).filter { !keys.contains($0.key) }
            wanted.resources = try job.files.map { file in
                guard let id = resources[file.path], var r = current.resources?.first(where: { $0.id == id })?.raw else {
                    throw ODPError.io("\(name) \(file.path)", "上传过程中门户上的资源被删除（resource deleted while publishing）；请重新运行")
                }
                r["name"] = .string(file.path)
                r["description"] = .string(CKANResourceLabel.description(file))
                r["resource_type"] = .string(CKANResourceLabel.kind(file).rawValue)
                return r
            }
            if wanted.isMet(by: current) { return }
            if round == Self.switchRounds { break }
            let paths = Set(job.files.map(\.path))
            for r in current.resources ?? [] where !resources.values.contains(r.id) {
                let what = r.name.map { paths.contains($0) ? "\($0) of the version before" : $0 } ?? r.id
                log.note("\(settings.name): removing \(what) with the switch to \(job.version)")
            }
            let revise = CKANRequest.Revise(match: .init(id: current.id, metadataModified: current.metadataModified ?? ""), filter: ["-resources", "-extras"], update: wanted)
            do {
                _ = try settings.retry.run("package_revise \(name)", log: log, recheck: {
                    try self.client.package(name).flatMap { wanted.isMet(by: $0) ? true : nil }
                }) { () throws -> Bool in
                    try client.call("package_revise", revise)
                    return true
                }
                log.note("\(settings.name): \(name) switched to \(job.version.isEmpty ? "no version" : job.version)")
            } catch let error as ODPError where "\(error)".contains("409") {
                log.note("\(settings.name): \(name) changed while publishing; reading it again")
            }
        }
        throw ODPError.io(name, "数据集在切换版本时一再被改动，未能切换到版本 \(job.version)（changed while switching）；请重新运行")
    }

    static let switchRounds = 5

    private func retrying<T>(_ what: String, _ body: () throws -> T) throws -> T {
        try settings.retry.run(what, log: nil, body)
    }

    /// CKAN keeps one version per dataset: the one its metadata names once it is public.
    func existingVersions(dataset: String, catalog: CatalogMetadata, day: String) throws -> [String] {
        let name = CKANNames.dataset(code: catalog.code)
        guard let package = try retrying("package_show \(name)", { try client.package(name) }),
              let version = package.publishedVersion else { return [] }
        return PublishedFile.versions([version], day: day)
    }

    /// `ckan.max_resource_size` as CKAN answers it: a number or a numeric string.
    static func integer(_ value: ArtifactJSON) -> Int64? {
        switch value {
        case .int(let n): return n
        case .string(let s): return Int64(s)
        default: return nil
        }
    }
}
