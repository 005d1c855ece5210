import Foundation
import ODPCore

/// CKAN's Action API (`/api/3/action/<name>`), one call per request. Answers are parsed
/// into plain JSON objects; a CKAN error becomes a `TransferError` that keeps the HTTP
/// status, so 5xx and 429 are retried and validation or permission errors are not.
struct CKANClient {
    let base: String
    let token: String
    let options: TransferOptions

    init(url: String, token: String, options: TransferOptions) {
        base = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.token = token
        self.options = options
    }

    /// Calls an action with a JSON body; returns `result`.
    func call(_ action: String, _ body: [String: Any]) throws(TransferError) -> Any {
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) } catch {
            throw TransferError(message: "\(action): cannot encode request", retryable: false)
        }
        let request = TransferRequest(url: "\(base)/api/3/action/\(action)", method: "POST",
                                      headers: ["Authorization: \(token)", "Content-Type: application/json"], body: .json(data))
        return try result(action, Transfer.perform(request, options: options))
    }

    /// `resource_create` / `resource_patch` with the file streamed as the `upload` part.
    func upload(_ action: String, fields: [String: String], file: UploadFile) throws(TransferError) -> [String: Any] {
        let request = TransferRequest(url: "\(base)/api/3/action/\(action)", method: "POST", headers: ["Authorization: \(token)"],
                                      body: .multipart(fields: fields.sorted { $0.key < $1.key }, fileField: "upload", file: file.url,
                                                       filename: file.name))
        guard let object = try result(action, Transfer.perform(request, options: options)) as? [String: Any] else {
            throw TransferError(message: "\(action): answer is not an object", retryable: false)
        }
        return object
    }

    /// `package_show`, nil when the dataset does not exist (or was deleted).
    func package(_ name: String) throws(TransferError) -> [String: Any]? {
        do {
            let p = try call("package_show", ["id": name]) as? [String: Any]
            return p?["state"] as? String == "deleted" ? nil : p
        } catch where error.status == 404 {
            return nil
        }
    }

    func organization(_ name: String) throws(TransferError) -> [String: Any]? {
        do { return try call("organization_show", ["id": name]) as? [String: Any] } catch where error.status == 404 { return nil }
    }

    func download(_ url: String) throws(TransferError) -> TransferResponse {
        let response = try Transfer.perform(TransferRequest(url: url, headers: ["Authorization: \(token)"], sink: .sha256), options: options)
        guard response.status == 200 else { throw TransferError.httpStatus(response, what: "download") }
        return response
    }

    private func result(_ action: String, _ response: TransferResponse) throws(TransferError) -> Any {
        let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        if response.status == 200, let object, object["success"] as? Bool == true, let result = object["result"] {
            return result
        }
        var error = TransferError.httpStatus(response, what: "CKAN \(action)")
        if let object, let detail = object["error"] {
            let text = (try? JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? ""
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
