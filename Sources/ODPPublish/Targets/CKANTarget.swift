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
        let packageID = package["id"] as? String ?? name
        // One CKAN dataset carries the newest version's files, so a new version replaces the
        // resources; the version the dataset already names is published and stays as it is.
        let published = !job.isCatalog && Self.version(of: package) == job.version
        for file in job.files {
            if let existing = Self.resource(in: package, named: file.path), existing["hash"] as? String == file.sha256 {
                try session.confirm(file, remote: existing["id"] as? String ?? "", uploaded: false)
                continue
            }
            if published {
                throw PublishedFile.refusal("\(client.base)/dataset/\(name) \(file.path)", version: job.version)
            }
            let id = try upload(file, packageID: packageID, package: package, session.log)
            try session.confirm(file, remote: id, uploaded: true)
            package = try retrying("package_show \(name)") { try client.package(name) } ?? package
        }
        try prune(package, keep: Set(job.files.map(\.path)), session.log)
        try updateMetadata(name, org: org, job: job, session.log)
    }

    /// Resources of files the new version no longer has are deleted before the metadata
    /// names the new version, so the dataset lists exactly the release's files.
    private func prune(_ package: [String: Any], keep: Set<String>, _ log: PublishLog) throws {
        for r in package["resources"] as? [[String: Any]] ?? [] {
            guard let id = r["id"] as? String, let name = r["name"] as? String, !keep.contains(name) else { continue }
            log.note("\(settings.name): removing \(name), no longer in the release")
            do {
                _ = try settings.retry.run("resource_delete \(name)", log: log) { try client.call("resource_delete", ["id": id]) }
            } catch let error as ODPError where "\(error)".contains("HTTP 404") {
                continue
            }
        }
    }

    // MARK: size limit

    /// Refuses locally what the server would refuse with a 413 after the whole body was sent.
    private func preflight(_ job: PublishJob) throws {
        if sizeLimit == nil {
            _ = try retrying("status_show") { try client.call("status_show", [:]) }
            if let mb = settings.maxResourceSizeMB {
                sizeLimit = .some(Int64(mb) << 20)
            } else if let value = try? client.call("config_option_show", ["key": "ckan.max_resource_size"]),
                      let mb = Int64("\(value)") {
                sizeLimit = .some(mb << 20)
            } else {
                sizeLimit = .some(nil)
            }
        }
        if let limit = sizeLimit ?? nil {
            for file in job.files where file.size > limit {
            throw ODPError.io(file.path, "\(file.path) is \(file.size) bytes, over the portal's upload limit of \(limit >> 20) MB "
                    + "(ckan.max_resource_size); nothing was uploaded. Ask the platform to raise the limit, or split the resource")
            }
        }
        // A proxy in front of the portal (nginx client_max_body_size) answers 413 only after the
        // body was sent; a body-less probe of the largest file's size finds out first.
        guard let largest = job.files.max(by: { $0.size < $1.size }), largest.size > Self.probeThreshold else { return }
        let status = try settings.retry.run("size probe", log: nil) {
            try Transfer.probeBodyLimit(url: "\(client.base)/api/3/action/status_show", size: largest.size, options: client.options)
        }
        if status == 413 {
            throw ODPError.io(largest.path, "\(largest.path) is \(largest.size) bytes and the portal's web server refuses a request body "
                + "that large (HTTP 413 to a probe without body); nothing was uploaded. Ask the platform to raise its upload limit "
                + "(nginx client_max_body_size), or split the resource")
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
            try client.call("organization_create", ["name": name, "title": title]) as? [String: Any] ?? [:]
        }
        return name
    }

    private func ensurePackage(_ name: String, org: String, job: PublishJob, _ log: PublishLog) throws -> [String: Any] {
        if let p = try retrying("package_show \(name)", { try client.package(name) }) { return p }
        var body = CKANMetadata.fields(job, publisher: publisherName)
        body["name"] = name
        body["owner_org"] = org
        // Private until every file is there; updateMetadata opens it.
        body["private"] = true
        body.removeValue(forKey: "version")
        log.note("\(settings.name): creating dataset \(name)")
        return try settings.retry.run("package_create \(name)", log: log, recheck: { try self.client.package(name) }) {
            guard let p = try client.call("package_create", body) as? [String: Any] else {
                throw TransferError(message: "package_create: answer is not an object", retryable: false)
            }
            return p
        }
    }

    private func upload(_ file: UploadFile, packageID: String, package: [String: Any], _ log: PublishLog) throws -> String {
        var fields = ["name": file.path, "hash": file.sha256, "size": String(file.size), "format": file.format]
        // Finds the copy a lost answer made, so a retry never adds a second resource.
        let recheck: () throws -> String? = {
            guard let p = try self.client.package(packageID), let r = Self.resource(in: p, named: file.path),
                  r["hash"] as? String == file.sha256 else { return nil }
            return r["id"] as? String
        }
        if let existing = Self.resource(in: package, named: file.path), let id = existing["id"] as? String {
            fields["id"] = id
            return try settings.retry.run("resource_patch \(file.path)", log: log, recheck: recheck) {
                try client.upload("resource_patch", fields: fields, file: file)["id"] as? String ?? id
            }
        }
        fields["package_id"] = packageID
        return try settings.retry.run("resource_create \(file.path)", log: log, recheck: recheck) {
            guard let id = try client.upload("resource_create", fields: fields, file: file)["id"] as? String else {
                throw TransferError(message: "resource_create: answer has no id", retryable: false)
            }
            return id
        }
    }

    /// Writes the catalog metadata and opens the dataset, unless it already says exactly that.
    /// `package_revise` with `match` refuses the write when someone changed the dataset since
    /// it was read; then it is read again.
    private func updateMetadata(_ name: String, org: String, job: PublishJob, _ log: PublishLog) throws {
        var wanted = CKANMetadata.fields(job, publisher: publisherName)
        wanted["private"] = false
        for round in 1...4 {
            guard let current = try retrying("package_show \(name)", { try client.package(name) }) else {
                throw ODPError.io(name, "dataset \(name) disappeared while publishing")
            }
            if CKANMetadata.matches(current, wanted) { return }
            let match: [String: Any] = ["id": current["id"] ?? name, "metadata_modified": current["metadata_modified"] ?? ""]
            do {
                _ = try settings.retry.run("package_revise \(name)", log: log, recheck: {
                    try self.client.package(name).flatMap { CKANMetadata.matches($0, wanted) ? true : nil }
                }) { () throws -> Bool in
                    _ = try client.call("package_revise", ["match": match, "update": wanted])
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
              let version = Self.version(of: package) else { return [] }
        return PublishedFile.versions([version], day: day)
    }

    /// The version a dataset has published: its `version` field, which only `updateMetadata`
    /// writes after every file is up (a new dataset already carries `odp_version` in its extras
    /// from `package_create`, before any file arrived), and only while the dataset is public.
    static func version(of package: [String: Any]) -> String? {
        guard package["private"] as? Bool == false, let version = package["version"] as? String, !version.isEmpty else { return nil }
        return version
    }

    static func resource(in package: [String: Any], named name: String) -> [String: Any]? {
        (package["resources"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }
}
