import Foundation
import ODPCore

/// CKAN's Action API (`/api/3/action/<name>`), one call per request, with typed bodies and
/// answers. A CKAN error becomes a `TransferError` that keeps the HTTP status, so 5xx and
/// 429 are retried and validation or permission errors are not.
struct CKANClient {
    let base: String
    let token: String
    let options: TransferOptions

    init(url: String, token: String, options: TransferOptions) {
        base = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.token = token
        self.options = options
    }

    /// CKAN's answer around every result.
    private struct Envelope: Decodable {
        var success: Bool?
        var result: ArtifactJSON?
        var error: ArtifactJSON?
    }

    /// Calls an action with a JSON body; returns `result` as `Result`.
    func call<Result: Decodable>(_ action: String, _ body: some Encodable, as: Result.Type) throws(TransferError) -> Result {
        let data: Data
        do { data = try ArtifactJSON(encoding: body).encoded(pretty: false) } catch {
            throw TransferError(message: "\(action)：无法编码请求（cannot encode request）", retryable: false)
        }
        let request = TransferRequest(url: "\(base)/api/3/action/\(action)", method: "POST",
                                      headers: ["Authorization: \(token)", "Content-Type: application/json"], body: .json(data))
        return try result(action, Transfer.perform(request, options: options), as: Result.self)
    }

    /// Calls an action whose result is not needed.
    func call(_ action: String, _ body: some Encodable) throws(TransferError) {
        _ = try call(action, body, as: ArtifactJSON.self)
    }

    /// `resource_create` / `resource_patch` with the file streamed as the `upload` part.
    func upload(_ action: String, fields: [String: String], file: UploadFile) throws(TransferError) -> CKANPackage.Resource {
        let request = TransferRequest(url: "\(base)/api/3/action/\(action)", method: "POST", headers: ["Authorization: \(token)"],
                                      body: .multipart(fields: fields.sorted { $0.key < $1.key }, fileField: "upload", file: file.url,
                                                       filename: file.name))
        return try result(action, Transfer.perform(request, options: options), as: CKANPackage.Resource.self)
    }

    /// `package_show`, nil when the dataset does not exist (or was deleted).
    func package(_ name: String) throws(TransferError) -> CKANPackage? {
        do {
            let p = try call("package_show", CKANRequest.ID(id: name), as: CKANPackage.self)
            return p.state == "deleted" ? nil : p
        } catch where error.status == 404 {
            return nil
        }
    }

    func organization(_ name: String) throws(TransferError) -> CKANPackage.Organization? {
        do { return try call("organization_show", CKANRequest.ID(id: name), as: CKANPackage.Organization.self) } catch where error.status == 404 {
            return nil
        }
    }

    func download(_ url: String) throws(TransferError) -> TransferResponse {
        let response = try Transfer.perform(TransferRequest(url: url, headers: ["Authorization: \(token)"], sink: .sha256), options: options)
        guard response.status == 200 else { throw TransferError.httpStatus(response, what: "download") }
        return response
    }

    private func result<Result: Decodable>(_ action: String, _ response: TransferResponse, as: Result.Type) throws(TransferError) -> Result {
        let envelope = try? JSONDecoder().decode(Envelope.self, from: response.body)
        if response.status == 200, let envelope, envelope.success == true {
            // `resource_delete` and others answer `"result": null`.
            do { return try JSONDecoder().decode(Result.self, from: try (envelope.result ?? .null).encoded(pretty: false)) } catch {
                throw TransferError(message: "CKAN \(action)：门户的答复无法识别（unexpected answer）：\(error)", retryable: false)
            }
        }
        var error = TransferError.httpStatus(response, what: "CKAN \(action)")
        if let detail = envelope?.error {
            let text = (try? detail.encoded(pretty: false)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            error.message = "CKAN \(action): HTTP \(response.status) \(text.prefix(400))"
        }
        if response.status == 200 { error.retryable = false }
        throw error
    }
}

/// Names CKAN accepts (`[a-z0-9-_]`, 2–100 characters), derived stably from codes.
enum CKANNames {
    /// `odp-` + slug of 资源代码; a short hash is added when the slug lost characters (Chinese,
    /// `/`, …) or had to be shortened, so two codes never share a name.
    static func dataset(code: String) -> String { name(prefix: "odp-", code) }

    /// One organization per provider, from 提供方代码.
    static func organization(providerCode: String) -> String { name(prefix: "org-", providerCode) }

    private static func name(prefix: String, _ code: String) -> String {
        let lower = code.lowercased()
        var slug = ""
        for u in lower.unicodeScalars {
            let ok = ("a"..."z").contains(u) || ("0"..."9").contains(u) || u == "-" || u == "_"
            if ok { slug.unicodeScalars.append(u) } else if !slug.hasSuffix("-") { slug += "-" }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        while slug.hasPrefix("-") { slug.removeFirst() }
        let lossless = slug == lower
        if lossless, prefix.count + slug.count <= 100, !slug.isEmpty { return prefix + slug }
        let hash = String(SHA256Hex.of(Array(code.utf8)).prefix(8))
        let room = 100 - prefix.count - hash.count - 1
        var short = String(slug.prefix(room))
        while short.hasSuffix("-") { short.removeLast() }
        return short.isEmpty ? prefix + hash : "\(prefix)\(short)-\(hash)"
    }
}
