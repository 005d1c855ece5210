import Foundation
import ODPCore

/// One `targets:` entry of `odp.yml`, read and checked. Secrets stay references here; they
/// are resolved only when the Publisher builds the target.
struct TargetSettings: Sendable {
    enum Kind: String, Sendable, CaseIterable { case dir, ckan, http, sftp, ftp, database }

    var kind: Kind
    var name: String
    var location: SourceLocation
    var path: String?
    var url: String?
    var token: SecretRef?
    var secret: SecretRef?
    var password: SecretRef?
    var privateKey: SecretRef?
    var user: String?
    var organization: String?
    var createOrganizations = false
    var caFile: String?
    var knownHosts: String?
    var hostKeySHA256: String?
    var maxResourceSizeMB: Int?
    var catalogDataset = "odp-open-data-list"
    var method = "PUT"
    var multipart = false
    var checkURL: String?
    var headers: [String: String] = [:]
    var ftpUsePasvAddress = false
    /// `database`: the `postgres://` URI (env:/file: only: it carries the password), the
    /// schema, how many loaded versions to keep (nil: all) and libpq's `sslmode`.
    var databaseURL: SecretRef?
    var schema = "odp_exchange"
    var keepVersions: Int?
    var sslMode: String?
    var transfer = TransferOptions()
    var retry = RetryPolicy()

    static let commonKeys = ["name", "connect_timeout", "low_speed_time", "retries", "retry_base_delay", "retry_budget"]

    /// Reads one target; every problem becomes a positioned diagnostic.
    static func parse(_ spec: RuleSpec, config: PipelineConfig?) -> (TargetSettings?, [Diagnostic]) {
        guard let kind = Kind(rawValue: spec.type) else {
            let names = Kind.allCases.map(\.rawValue)
            let hint = Suggest.hint(for: spec.type, in: names) ?? "可选类型：\(names.joined(separator: ", "))"
            return (nil, [Diagnostic(spec.location, "target：未知的上传目标类型（unknown type）`\(spec.type)`", hint: hint)])
        }
        let r = spec.reader(context: "target \(spec.type)")
        var s = TargetSettings(kind: kind, name: r.string("name") ?? spec.type, location: spec.location)
        if let v = r.int("connect_timeout", range: 1...600) { s.transfer.connectTimeout = v }
        if let v = r.int("low_speed_time", range: 1...3600) { s.transfer.lowSpeedTime = v }
        if let v = r.int("retries", range: 0...20) { s.retry.attempts = v + 1 }
        if let v = r.double("retry_base_delay") { s.retry.baseDelay = max(0, v) }
        if let v = r.double("retry_budget") {
            if v > 0 { s.retry.budget = RetryBudget(seconds: v) } else { r.error("\(r.context).retry_budget 必须大于 0 秒", at: r.raw("retry_budget")?.location) }
        }
        for key in ["insecure", "verify_tls", "tls_verify", "ssl_verify", "insecure_skip_verify", "strict_host_key_checking"] where r.has(key) {
            r.error("target \(spec.type).\(key)：证书和主机密钥校验不能关闭（cannot be turned off）", at: r.raw(key)?.location,
                    hint: kind == .sftp ? "用 `host_key_sha256` 或 `known_hosts` 固定主机密钥" : "用 `ca_file` 给出服务器的 CA 证书")
        }
        let resolve: (String) -> String = { p in config?.resolve(p).path ?? p }
        switch kind {
        case .dir:
            s.path = r.string("path", required: true).map(resolve)
        case .ckan:
            s.url = urlKey(r, schemes: ["http", "https"])
            s.token = r.secret("token", required: true)
            s.organization = r.string("organization")
            s.createOrganizations = r.bool("create_organizations") ?? false
            s.caFile = r.string("ca_file").map(resolve)
            s.maxResourceSizeMB = r.int("max_resource_size_mb", range: 1...1_000_000)
            if let c = r.string("catalog_dataset") { s.catalogDataset = c }
            if s.organization == nil && !s.createOrganizations {
                r.error("target ckan：请给出 `organization`，或写 `create_organizations: true`（每个提供方一个组织）")
            }
        case .http:
            s.url = urlKey(r, schemes: ["http", "https"])
            s.checkURL = r.string("check_url")
            s.method = r.choice("method", of: ["PUT", "POST"], default: "PUT") ?? "PUT"
            s.multipart = (r.choice("body", of: ["raw", "multipart"], default: "raw") ?? "raw") == "multipart"
            s.token = r.secret("token")
            s.secret = r.secret("secret")
            s.caFile = r.string("ca_file").map(resolve)
            if let h = r.map("headers") {
                for key in h.keys { if let v = h.string(key) { s.headers[key] = v } }
            }
            if let u = s.url, !u.contains("{file}") {
                r.error("target http.url 必须包含 {file}（通常还有 {dataset} 和 {version}）", at: r.raw("url")?.location)
            }
        case .sftp, .ftp:
            s.url = urlKey(r, schemes: [kind.rawValue])
            s.user = r.string("user", required: true)
            s.password = r.secret("password")
            if kind == .sftp {
                s.privateKey = r.secret("private_key")
                s.knownHosts = r.string("known_hosts").map(resolve)
                s.hostKeySHA256 = r.string("host_key_sha256").map { $0.hasPrefix("SHA256:") ? String($0.dropFirst(7)) : $0 }
                if let pin = s.hostKeySHA256, let problem = Self.pinProblem(pin) {
                    r.error("target sftp.host_key_sha256 `\(r.string("host_key_sha256") ?? pin)` 不是 SHA-256 主机密钥指纹（host key fingerprint）：\(problem)",
                            at: r.raw("host_key_sha256")?.location,
                            hint: "写 ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub 打印的 `SHA256:` 后 43 个 Base64 字符；主机密钥校验不能关闭")
                    s.hostKeySHA256 = nil
                }
                if let path = s.knownHosts, let problem = Self.knownHostsProblem(path) {
                    r.error("target sftp.known_hosts `\(path)`：\(problem)", at: r.raw("known_hosts")?.location,
                            hint: "用 ssh-keyscan -p PORT HOST > FILE 生成并核对指纹，或改用 `host_key_sha256`")
                    s.knownHosts = nil
                }
                if s.knownHosts == nil && s.hostKeySHA256 == nil && !r.has("host_key_sha256") && !r.has("known_hosts") {
                    r.error("target sftp：没有固定服务器的主机密钥（host key is not pinned）", hint: "加上 `host_key_sha256: SHA256:…`（ssh-keygen -lf key.pub）或 `known_hosts: 路径`")
                }
                if s.password == nil && s.privateKey == nil { r.error("target sftp：请给出 `private_key: file:…` 或 `password: env:…`") }
                if case .environment = s.privateKey { r.error("target sftp.private_key 必须是 `file:` 引用（libcurl 读取密钥文件）") }
            } else {
                s.ftpUsePasvAddress = r.bool("use_pasv_address") ?? false
                if s.password == nil { r.error("target ftp：缺少必填键（missing required key）`password`（env:… 或 file:…）") }
            }
        case .database:
            parseDatabase(r, into: &s, resolve: resolve)
        }
        for (key, path) in [("ca_file", s.caFile), ("known_hosts", s.knownHosts)] {
            if let path, !FileManager.default.fileExists(atPath: path) {
                r.error("\(r.context).\(key)：`\(path)` 不存在（does not exist）", at: r.raw(key)?.location)
            }
        }
        let diagnostics = r.finish()
        return (diagnostics.contains { $0.severity == .error } ? nil : s, diagnostics)
    }

    /// Why `pin` (without `SHA256:`) is no SHA-256 fingerprint, nil when it is one: 32 bytes in
    /// Base64, 43 characters as OpenSSH prints it (padding `=` allowed). An MD5 pin
    /// (`MD5:…` or hex pairs with colons), `none`, `*` or an empty string is refused.
    static func pinProblem(_ pin: String) -> String? {
        if pin.trimmingCharacters(in: .whitespaces).isEmpty { return "为空（empty）" }
        if pin.uppercased().hasPrefix("MD5:") || pin.contains(":") { return "这是 MD5 指纹，MD5 已不安全，请用 SHA256 指纹" }
        let bare = pin.hasSuffix("=") ? String(pin.dropLast()) : pin
        guard bare.count == 43, let bytes = Data(base64Encoded: bare + "="), bytes.count == 32 else {
            return "应为 43 个 Base64 字符（32 字节），实为 \(pin.count) 个字符"
        }
        return nil
    }

    /// Why a known_hosts file pins nothing, nil when it holds at least one key line.
    static func knownHostsProblem(_ path: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }  // reported as missing below
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "无法读取（not readable）" }
        let keys = text.split(whereSeparator: \.isNewline).filter {
            let fields = $0.split(separator: " ")
            return !$0.hasPrefix("#") && fields.count >= 3 && Data(base64Encoded: String(fields[fields.count >= 4 && fields[0].hasPrefix("@") ? 3 : 2])) != nil
        }
        return keys.isEmpty ? "不含任何主机密钥（no host key），等于不校验服务器身份" : nil
    }

    /// The `database` keys. The URI is a secret reference, so its scheme is checked when it
    /// is read (`Publisher`), not here.
    private static func parseDatabase(_ r: ConfigReader, into s: inout TargetSettings, resolve: (String) -> String) {
        s.databaseURL = r.secret("url", required: true)
        if let schema = r.string("schema") {
            // The same rule as `state.schema` (StateConfig): used as written, never cut or case-folded.
            if schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil {
                s.schema = schema
            } else {
                r.error("target database.schema：`\(schema)` 不是有效的模式名（schema name）", at: r.raw("schema")?.location,
                        hint: "只用小写字母、数字和下划线，以字母或下划线开头，最长 63 个字符，例如 `odp_exchange`")
            }
        }
        s.keepVersions = r.int("keep_versions", range: 1...10_000)
        s.sslMode = r.choice("ssl_mode", of: ["disable", "prefer", "require", "verify-ca", "verify-full"])
        s.caFile = r.string("ca_file").map(resolve)
        if s.caFile != nil, s.sslMode == nil { s.sslMode = "verify-full" }
        if s.caFile != nil, let mode = s.sslMode, !mode.hasPrefix("verify") {
            r.error("target database.ca_file 只在 `ssl_mode: verify-ca` 或 `verify-full` 时起作用", at: r.raw("ca_file")?.location)
        }
    }

    private static func urlKey(_ r: ConfigReader, schemes: [String]) -> String? {
        guard let url = r.string("url", required: true) else { return nil }
        let scheme = url.components(separatedBy: "://").first?.lowercased() ?? ""
        guard url.contains("://"), schemes.contains(scheme) else {
            r.error("\(r.context).url 必须以 \(schemes.map { "\($0)://" }.joined(separator: " 或 ")) 开头", at: r.raw("url")?.location)
            return nil
        }
        if let at = url.range(of: "@"), url[url.range(of: "://")!.upperBound..<at.lowerBound].contains(":") {
            r.error("\(r.context).url 中写了密码（url holds a password）", at: r.raw("url")?.location, hint: "改用 `user:` 和 `password: env:…`", code: .inlineSecret)
            return nil
        }
        if scheme == "http" || scheme == "ftp", let host = URLComponents(string: url.replacingOccurrences(of: "{", with: "%7B").replacingOccurrences(of: "}", with: "%7D"))?.host,
           !["127.0.0.1", "localhost", "::1"].contains(host) {
            r.warning("\(r.context).url 未加密（not encrypted，\(scheme)://）：账号和数据以明文经过网络", at: r.raw("url")?.location)
        }
        return url
    }
}
