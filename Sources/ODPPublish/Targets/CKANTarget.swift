import Foundation
import ODPCore

/// Publishes to a CKAN portal (2.9+) through its Action API.
///
/// Order, so the portal never lists a file that is not there: the dataset is created
/// private, each release file becomes one resource (uploaded only when its `hash` differs),
/// and only then is the metadata written and the dataset made public, guarded by `match`
/// on the `metadata_modified` just read. CKAN loses resources when uploads to one dataset
/// run in parallel (each `resource_create` rewrites the package); here they never do.
final class CKANTarget: PublishTarget {
    let settings: TargetSettings
    let client: CKANClient
    let publisherName: String
    private var sizeLimit: Int64??

    init(settings: TargetSettings, token: String, options: TransferOptions, publisherName: String) {
        self.settings = settings
        client = CKANClient(url: settings.url ?? "", token: token, options: options)
        self.publisherName = publisherName
    }

    func publish(_ job: PublishJob, session: PublishSession) throws {
        try preflight(job)
        let org = try organization(for: job, session.log)
        let name = job.catalog.map { CKANNames.dataset(code: $0.code) } ?? settings.catalogDataset
        var package = try ensurePackage(name, org: org, job: job, session.log)
        let packageID = package.id
        // One CKAN dataset carries the newest version's files, so a new version replaces the
        // resources; the version the dataset already names is published and stays as it is.
        let published = !job.isCatalog && package.publishedVersion == job.version
        var kept: [String: String] = [:]
        for file in job.files {
            if let existing = package.resource(named: file.path), existing.hash == file.sha256 {
                try session.confirm(file, remote: existing.id, uploaded: false)
                kept[file.path] = existing.id
                continue
            }
            if published {
                throw PublishedFile.refusal("\(client.base)/dataset/\(name) \(file.path)", version: job.version)
            }
            let id = try upload(file, packageID: packageID, package: package, session.log)
            try session.confirm(file, remote: id, uploaded: true)
            kept[file.path] = id
            package = try retrying("package_show \(name)") { try client.package(name) } ?? package
        }
        try prune(package, keep: kept, session.log)
        try updateMetadata(name, org: org, job: job, session.log)
    }

    /// Resources of files the new version no longer has are deleted before the metadata
    /// names the new version, so the dataset lists exactly the release's files. So is a second
    /// resource of a kept file: the copy a create made when its request reached the portal
    /// only after the client had timed out and rechecked.
    private func prune(_ package: CKANPackage, keep: [String: String], _ log: PublishLog) throws {
        let current = try retrying("package_show \(package.id)") { try client.package(package.id) } ?? package
        for r in current.resources ?? [] {
            guard let name = r.name, keep[name] != r.id else { continue }
            log.note(keep[name] == nil ? "\(settings.name): removing \(name), no longer in the release"
                                       : "\(settings.name): removing a second resource \(name) (\(r.id)) a late request made")
            do {
                _ = try settings.retry.run("resource_delete \(name)", log: log) { try client.call("resource_delete", CKANRequest.ID(id: r.id)) }
            } catch let error as ODPError where "\(error)".contains("HTTP 404") {
                continue
            }
        }
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

    private func upload(_ file: UploadFile, packageID: String, package: CKANPackage, _ log: PublishLog) throws -> String {
        var fields = ["name": file.path, "hash": file.sha256, "size": String(file.size), "format": file.format]
        // Finds the copy a lost answer made, so a retry never adds a second resource.
        let recheck: () throws -> String? = {
            guard let p = try self.client.package(packageID), let r = p.resource(named: file.path), r.hash == file.sha256 else { return nil }
            return r.id
        }
        if let existing = package.resource(named: file.path) {
            fields["id"] = existing.id
            return try settings.retry.run("resource_patch \(file.path)", log: log, recheck: recheck) {
                try client.upload("resource_patch", fields: fields, file: file).id
            }
        }
        fields["package_id"] = packageID
        return try settings.retry.run("resource_create \(file.path)", log: log, recheck: recheck) {
            try client.upload("resource_create", fields: fields, file: file).id
        }
    }

    /// Writes the catalog metadata and opens the dataset, unless it already says exactly that.
    /// `package_revise` with `match` refuses the write when someone changed the dataset since
    /// it was read; then it is read again.
    private func updateMetadata(_ name: String, org: String, job: PublishJob, _ log: PublishLog) throws {
        var wanted = CKANMetadata.fields(job, publisher: publisherName)
        wanted.isPrivate = false
        for round in 1...4 {
            guard let current = try retrying("package_show \(name)", { try client.package(name) }) else {
                throw ODPError.io(name, "上传过程中门户上的数据集 \(name) 消失了（disappeared while publishing）")
            }
            if wanted.isMet(by: current) { return }
            let match = CKANRequest.Revise.Match(id: current.id, metadataModified: current.metadataModified ?? "")
            do {
                _ = try settings.retry.run("package_revise \(name)", log: log, recheck: {
                    try self.client.package(name).flatMap { wanted.isMet(by: $0) ? true : nil }
                }) { () throws -> Bool in
                    try client.call("package_revise", CKANRequest.Revise(match: match, update: wanted))
                    return true
                }
                return
            } catch let error as ODPError where round < 4 && "\(error)".contains("409") {
                log.note("\(settings.name): \(name) changed while publishing; reading it again")
            }
        }
    }

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
