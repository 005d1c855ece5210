import Foundation
import ODPCore
import ODPPublish
import ODPRelease

/// Secrets are read where they are used: a run gives each dataset the key it needs or the
/// reason it cannot have it; `odp validate` reads them all and reports what is missing,
/// naming the key and where it was looked for, never the value.
extension Workspace {
    /// The pseudonym key bytes (`keys.pseudonym.secret`), or why they cannot be read.
    func pseudonymKey() -> Result<[UInt8], Error> {
        guard let ref = config.pseudonymKey else {
            return .failure(ODPError.usage("odp.yml 没有配置假名化密钥（`keys.pseudonym`）").coded(.secretUnavailable))
        }
        return Result { Array(try ref.secret.resolve(relativeTo: config.baseDirectory).utf8) }
            .mapError { ODPError.usage("假名化密钥（pseudonym key）`\(ref.id)`：\(ODPError.from($0).message)").coded(.secretUnavailable) }
    }

    /// The Ed25519 seed that signs every release's SHA256SUMS (`keys.signing`), read once per
    /// run through its secret reference; nil when no key is configured.
    ///
    /// ## Errors
    /// A configured key that cannot be read or parsed throws. Every release of a run is
    /// signed, so the run fails every dataset with this reason (it must not publish unsigned),
    /// yet still writes its report and audit; `odp validate` reports it beforehand.
    public func signingKey() throws -> [UInt8]? {
        guard let ref = config.signingKey else { return nil }
        let text: String
        do { text = try ref.resolve(relativeTo: config.baseDirectory) } catch {
            throw ODPError.usage("签名密钥（signing key）keys.signing：\(ODPError.from(error).message)").coded(.secretUnavailable)
        }
        guard let seed = ReleaseSigning.parseKey(text) else {
            throw ODPError.usage("keys.signing（\(ref)）不是 Ed25519 私钥：应为 32 字节种子的 64 位十六进制或 Base64，可用 `odp keys generate --out DIR` 生成").coded(.secretUnavailable)
        }
        return seed
    }

    /// For `odp validate`: every configured secret that cannot be read. The pseudonym key is
    /// an error at each field that uses it (a warning when no loaded dataset does).
    static func secretDiagnostics(_ config: PipelineConfig, definitions: [DatasetDefinition]) -> [Diagnostic] {
        let workspace = Workspace(config: config, definitions: definitions, diagnostics: [])
        let top = SourceLocation(file: config.file)
        var out: [Diagnostic] = []
        if config.pseudonymKey != nil, case .failure(let error) = workspace.pseudonymKey() {
            let users = definitions.flatMap { d in d.schema.fields.compactMap { f in f.desensitize.flatMap { $0.type == "pseudonym" ? (d, f, $0) : nil } } }
            let problem = ODPError.from(error)
            if users.isEmpty { out.append(Diagnostic(top, problem.message, severity: .warning, code: problem.code)) }
            for (definition, field, spec) in users {
                out.append(Diagnostic(spec.location, "数据集 \(definition.id) 的字段 `\(field.name)` 无法假名化（pseudonymize）：\(problem.message)",
                                      hint: "在密钥可读之前，运行时该数据集会失败", code: problem.code))
            }
        }
        do { _ = try workspace.signingKey() } catch {
            let problem = ODPError.from(error)
            out.append(Diagnostic(top, problem.message, hint: "每个版本都要签名：在密钥可读之前，运行时所有数据集都会失败", code: problem.code))
        }
        out += Publisher.secretProblems(config).map { Diagnostic(top, $0, hint: "在设置之前，上传到该目标会失败", code: .secretUnavailable) }
        return out
    }
}
