import Crypto
import Foundation
import ODPCore

/// A generic HTTP(S) upload gateway, as many provincial platforms run: one request per file
/// to a URL template (`{dataset}`, `{version}`, `{file}`), PUT with the raw file or POST
/// multipart, signed so the gateway can check who sent it and that it arrived whole:
///
///     X-ODP-Timestamp       unix seconds
///     X-ODP-Nonce           random, new on every try
///     X-ODP-Content-SHA256  sha256 of the file
///     X-ODP-Signature       hex HMAC-SHA256(secret, METHOD\nPATH\nTIMESTAMP\nNONCE\nCONTENT-SHA256)
///
/// Before a file goes up, a HEAD on `check_url` (default: the upload URL) that answers 200
/// with the same X-ODP-Content-SHA256 means it is already there; 200 with another hash (or
/// none) means a published file that is never replaced, and the dataset fails.
///
/// A withdrawn version gets a tombstone file `_ODP_WITHDRAWN` the same way (see `withdraw`).
final class HTTPTarget: PublishTarget {
    let settings: TargetSettings
    private let token: String?
    private let key: SymmetricKey?
    private let options: TransferOptions
    private let log: PublishLog

    init(settings: TargetSettings, token: String?, secret: String?, options: TransferOptions, log: PublishLog) {
        self.settings = settings
        self.token = token
        key = secret.map { SymmetricKey(data: Data($0.utf8)) }
        self.options = options
        self.log = log
    }

    func publish(_ job: PublishJob, session: PublishSession) throws {
        for file in job.files {
            let replaceable = job.isCatalog || (job.repair && session.journaled(file) != nil)
            let (remote, uploaded) = try send(file, dataset: job.dataset, version: job.version, replaceable: replaceable)
            try session.confirm(file, remote: remote, uploaded: uploaded)
        }
    }

    /// Puts `file` at its place unless the same bytes are there: the address and whether it
    /// went up now. Other bytes there are a published file, refused unless `replaceable`.
    private func send(_ file: UploadFile, dataset: String, version: String, replaceable: Bool) throws -> (String, Bool) {
        let target = expand(settings.url ?? "", dataset, version, file.path)
        let check = expand(settings.checkURL ?? settings.url ?? "", dataset, version, file.path)
        switch try state(check, file) {
        case .same:
            return (target, false)
        case .other where !replaceable:
            throw PublishedFile.refusal(Transfer.redactURL(check), version: version)
        case .absent, .other:
            break
        }
        let remote = try settings.retry.run("upload \(file.path)", log: log, recheck: { try self.state(check, file) == .same ? target : nil }) {
            let response = try Transfer.perform(request(target, file), options: options)
            guard (200..<300).contains(response.status) else { throw TransferError.httpStatus(response, what: "upload \(file.path)") }
            return target
        }
        return (remote, true)
    }

    /// A withdrawal travels as one more signed upload: the tombstone `_ODP_WITHDRAWN`
    /// (`WithdrawalMarker` JSON: number, reason, date) at `{file}` of each withdrawn version,
    /// sent like any file, so a gateway that takes ODP's uploads takes it too. The gateway
    /// stops serving a version once its tombstone is there; ODP deletes nothing at a gateway
    /// (the upload protocol has no delete). A tombstone already there with the same bytes is
    /// confirmed without sending it again; another withdrawal's tombstone is replaced.
    func withdraw(_ job: WithdrawJob, session: WithdrawSession) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("odp-withdraw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for version in job.pending {
            let bytes = try job.marker(version)
            let local = folder.appendingPathComponent(WithdrawalMarker.fileName)
            do { try bytes.write(to: local, options: .atomic) } catch { throw ODPError.io(local.path, "无法写入临时文件（cannot write a temporary file）") }
            let file = UploadFile(file: ReleaseFile(path: WithdrawalMarker.fileName, bytes: bytes.count, sha256: SHA256Hex.of(bytes)), url: local)
            let (remote, _) = try send(file, dataset: job.dataset, version: version, replaceable: true)
            try session.confirm(version, remote: remote)
        }
    }

    /// A gateway has no listing, so `check_url` is asked for each version's SHA256SUMS in turn
    /// (`day.1`, `day.2`, …) until one is absent. Needs `{version}` in the check URL; without
    /// it every version shares one address and there is nothing to count.
    func existingVersions(dataset: String, catalog: CatalogMetadata, day: String) throws -> [String] {
        let template = settings.checkURL ?? settings.url ?? ""
        guard template.contains("{version}") else { return [] }
        var found: [String] = []
        for n in 1...Self.maxProbes {
            let version = "\(day).\(n)"
            let url = expand(template, dataset, version, "SHA256SUMS")
            let status = try settings.retry.run("check \(version)", log: nil) { () throws -> Int in
                let r = try Transfer.perform(TransferRequest(url: url, method: "HEAD", headers: baseHeaders()), options: options)
                guard r.status == 404 || (200..<300).contains(r.status) else { throw TransferError.httpStatus(r, what: "check \(version)") }
                return r.status
            }
            if status == 404 { break }
            found.append(version)
        }
        return found
    }

    /// More versions of one dataset in one day than any schedule makes.
    static let maxProbes = 500

    enum RemoteState { case absent, same, other }

    /// HEAD on the check URL: 404 is absent; 2xx with this file's X-ODP-Content-SHA256 is the
    /// same file; 2xx with another hash, or with none, is a file this run cannot prove equal.
    private func state(_ url: String, _ file: UploadFile) throws -> RemoteState {
        try settings.retry.run("check \(file.path)", log: nil) { () throws -> RemoteState in
            let r = try Transfer.perform(TransferRequest(url: url, method: "HEAD", headers: baseHeaders()), options: options)
            if r.status == 404 { return .absent }
            guard (200..<300).contains(r.status) else { throw TransferError.httpStatus(r, what: "check \(file.path)") }
            return r.headers["x-odp-content-sha256"]?.lowercased() == file.sha256 ? .same : .other
        }
    }

    private func baseHeaders() -> [String] {
        var headers = settings.headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        if let token { headers.append("Authorization: Bearer \(token)") }
        return headers
    }

    /// A fresh timestamp and nonce per try, so a gateway that refuses replays accepts the retry.
    private func request(_ url: String, _ file: UploadFile) -> TransferRequest {
        var headers = baseHeaders()
        headers.append("X-ODP-Content-SHA256: \(file.sha256)")
        if let key {
            let timestamp = String(Int(Date().timeIntervalSince1970))
            let nonce = SHA256Hex.hex((0..<16).map { _ in UInt8.random(in: 0...255) })
            let message = [settings.method, Self.path(of: url), timestamp, nonce, file.sha256].joined(separator: "\n")
            let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)
            headers += ["X-ODP-Timestamp: \(timestamp)", "X-ODP-Nonce: \(nonce)", "X-ODP-Signature: \(SHA256Hex.hex(Array(mac)))"]
        }
        let body: RequestBody = settings.multipart
            ? .multipart(fields: [("sha256", file.sha256), ("path", file.path)], fileField: "file", file: file.url, filename: file.name)
            : .file(file.url, size: file.size)
        return TransferRequest(url: url, method: settings.method, headers: headers, body: body)
    }

    /// The path as sent on the request line (percent-encoded, no query).
    static func path(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        let path = rest[slash...]
        return String(path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? path)
    }

    private func expand(_ template: String, _ dataset: String, _ version: String, _ path: String) -> String {
        func enc(_ s: String) -> String {
            s.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? String($0) }
                .joined(separator: "/")
        }
        return template.replacingOccurrences(of: "{dataset}", with: enc(dataset))
            .replacingOccurrences(of: "{version}", with: enc(version))
            .replacingOccurrences(of: "{file}", with: enc(path))
    }
}
