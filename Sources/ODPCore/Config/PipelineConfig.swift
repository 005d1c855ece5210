import Foundation

/// `pipelines/odp.yml`: what is shared by every dataset of a deployment.
public struct PipelineConfig: Sendable {
    /// `publisher` when odp.yml names none.
    public static let defaultPublisher = "数据资源管理部门"

    public struct CodeTableRef: Sendable, Hashable {
        public var name: String
        /// Current table: `代码 名称` lines or a CSV with `code,name` columns.
        public var path: String
        /// Optional history (GB/T 2260 style CSV with first/last year in use).
        public var history: String?
    }

    public struct PseudonymKey: Sendable, Hashable {
        /// Recorded in reports so researchers know which pseudonyms can be joined.
        public var id: String
        public var secret: SecretRef
    }

    public var file: String
    public var outputDirectory: URL
    /// Dataset definition files, resolved from the `datasets:` globs.
    public var datasetFiles: [String]
    public var codeTables: [CodeTableRef]
    public var pseudonymKey: PseudonymKey?
    public var signingKey: SecretRef?
    /// Upload targets (`type:` dir, ckan, http, sftp, ftp), owned by ODPPublish.
    public var targets: [RuleSpec]
    /// Base URL under which releases are downloadable (for DCAT downloadURL), e.g. the portal.
    public var publicBaseURL: String?
    /// Publisher of the catalog (the city's data authority).
    public var publisher: String
    /// `notify:` — a shell command and/or a webhook told about failed and held datasets.
    public var notifyCommand: String?
    public var notifyWebhook: String?
    /// `webhooks:` — subscribers told about new versions and notices, signed and journaled.
    public var webhooks: [WebhookSubscriber] = []
    /// `state:` — files (default) or a shared PostgreSQL store.
    public var state = StateConfig()
    /// `access:` — tokens, retention and review time for 有条件开放 datasets.
    public var access = AccessSettings()
    public var raw: ConfigValue

    public var baseDirectory: URL { URL(fileURLWithPath: file).deletingLastPathComponent() }

    public func resolve(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path).standardizedFileURL
    }

    public static func load(path: String) -> (PipelineConfig?, [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return (nil, [Diagnostic(SourceLocation(file: path), "无法读取全局配置（pipeline configuration）：文件不存在、没有读权限或不是 UTF-8 文本")])
        }
        let root: ConfigValue
        do { root = try ConfigValue.parse(yaml: text, file: path) } catch let e as ODPError { return (nil, e.diagnostics) } catch {
            return (nil, [Diagnostic(SourceLocation(file: path), ODPError.from(error, path: path).message)])
        }
        let r = ConfigReader(root, context: "odp")
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        let output = r.string("output") ?? "../output"
        let patterns = r.strings("datasets", required: true)
        var files: [String] = []
        for pattern in patterns {
            let matches = Glob.expand(pattern, relativeTo: base)
            if matches.isEmpty { r.warning("odp.datasets：`\(pattern)` 没有匹配到任何文件（matches no file）", at: r.raw("datasets")?.location) }
            files.append(contentsOf: matches)
        }
        var tables: [CodeTableRef] = []
        if let ct = r.map("code_tables") {
            for name in ct.keys {
                guard let t = ct.map(name) else { continue }
                if let p = t.string("path", required: true) {
                    tables.append(CodeTableRef(name: name, path: p, history: t.string("history")))
                }
            }
        }
        var pseudonym: PseudonymKey?
        var signing: SecretRef?
        if let keys = r.map("keys") {
            if let p = keys.map("pseudonym"), let id = p.string("id", required: true), let s = p.secret("secret", required: true) {
                pseudonym = PseudonymKey(id: id, secret: s)
            }
            if let s = keys.map("signing") { signing = s.secret("secret", required: true) }
        }
        var targets: [RuleSpec] = []
        var extra: [Diagnostic] = []
        for v in r.list("targets") {
            if let spec = RuleSpec.parse(v, context: "target", into: &extra) { targets.append(spec) }
        }
        let baseURL = r.string("public_base_url")
        let publisher = r.string("publisher") ?? PipelineConfig.defaultPublisher
        var notifyCommand: String?, notifyWebhook: String?
        if let n = r.map("notify") {
            notifyCommand = n.string("command")
            notifyWebhook = n.string("webhook")
            if let hook = notifyWebhook, !(hook.hasPrefix("https://") || hook.hasPrefix("http://")) {
                n.error("odp.notify.webhook 必须是 http(s) 网址（URL）", at: n.raw("webhook")?.location)
            }
        }
        let state = r.map("state").map(StateConfig.parse) ?? StateConfig()
        let webhooks = WebhookSubscriber.parse(r)
        let access = r.map("access").map(AccessSettings.parse) ?? AccessSettings()
        let diagnostics = r.finish() + extra
        var config = PipelineConfig(
            file: path, outputDirectory: output.hasPrefix("/") ? URL(fileURLWithPath: output) : base.appendingPathComponent(output).standardizedFileURL,
            datasetFiles: files, codeTables: tables, pseudonymKey: pseudonym, signingKey: signing, targets: targets,
            publicBaseURL: baseURL, publisher: publisher, notifyCommand: notifyCommand, notifyWebhook: notifyWebhook, raw: root)
        config.state = state
        config.webhooks = webhooks
        config.access = access
        return (diagnostics.contains { $0.severity == .error } ? nil : config, diagnostics)
    }
}

/// Expands `dir/*.yml`-style patterns (POSIX glob) in a stable order.
public enum Glob {
    public static func expand(_ pattern: String, relativeTo base: URL) -> [String] {
        let full = pattern.hasPrefix("/") ? pattern : base.appendingPathComponent(pattern).path
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(full, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }
}
