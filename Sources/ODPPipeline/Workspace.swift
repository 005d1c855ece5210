import Foundation
import ODPCheck
import ODPCore
import ODPDesensitize
import ODPExtract
import ODPPublish
import ODPRelease

/// A loaded pipeline: the global configuration, every dataset definition and the shared
/// resources (code tables, keys), with all definition problems collected in one list.
public struct Workspace: Sendable {
    public let config: PipelineConfig
    public let definitions: [DatasetDefinition]
    public let diagnostics: [Diagnostic]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var layout: OutputLayout { OutputLayout(root: config.outputDirectory) }

    /// Loads `odp.yml` and its datasets (or only `files` when given), running every stage's
    /// definition checks so one `odp validate` reports every problem.
    ///
    /// - Parameter openSources: also open every local source file (`odp validate`). A run
    ///   leaves that to each dataset's own run, so a damaged file fails that dataset only.
    public static func load(configPath: String, files: [String] = [], openSources: Bool = false) throws -> Workspace {
        let (config, configDiagnostics) = PipelineConfig.load(path: configPath)
        guard let config else { throw ODPError.definition(configDiagnostics) }
        var diagnostics = configDiagnostics + Publisher.validate(config)
        var definitions: [DatasetDefinition] = []
        var ids: [String: String] = [:]
        for file in files.isEmpty ? config.datasetFiles : files {
            let (definition, found) = DatasetDefinition.load(path: file)
            diagnostics += found
            guard let definition else { continue }
            diagnostics += Extractor.validate(definition)
            if openSources { diagnostics += Extractor.probe(definition) }
            diagnostics += Checker.validate(definition, config: config)
            diagnostics += Desensitizer.validate(definition, config: config)
            if let other = ids[definition.id] {
                diagnostics.append(Diagnostic(SourceLocation(file: file, line: 1), "dataset id `\(definition.id)` is also used by \(other)"))
            }
            ids[definition.id] = file
            definitions.append(definition)
        }
        diagnostics += ReferenceGraph(definitions, known: definitions + otherDatasets(config, loaded: ids)).diagnostics
        for ref in config.codeTables {
            for path in [ref.path] + (ref.history.map { [$0] } ?? []) where !FileManager.default.fileExists(atPath: config.resolve(path).path) {
                diagnostics.append(Diagnostic(SourceLocation(file: config.file), "code table `\(ref.name)`: file \(path) does not exist"))
            }
        }
        return Workspace(config: config, definitions: definitions, diagnostics: diagnostics)
    }

    /// The datasets of `odp.yml` not loaded (when only some files are validated), so that a
    /// reference to one of them is not reported as unknown. Their own problems are not
    /// reported here.
    private static func otherDatasets(_ config: PipelineConfig, loaded: [String: String]) -> [DatasetDefinition] {
        let files = Set(loaded.values.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        return config.datasetFiles.filter { !files.contains(URL(fileURLWithPath: $0).standardizedFileURL.path) }
            .compactMap { DatasetDefinition.load(path: $0).0 }
    }

    /// Definitions in the order a run takes them: each dataset after the datasets its
    /// `reference` rules name, otherwise as `odp.yml` lists them.
    public var runOrder: [DatasetDefinition] {
        ReferenceGraph(definitions, known: definitions).order().map { definitions[$0] }
    }

    /// The Ed25519 seed that signs every release's SHA256SUMS (`keys.signing`), read once per
    /// run through its secret reference; nil when no key is configured. A configured key that
    /// cannot be read stops the run: releases must not silently go out unsigned.
    public func signingKey() throws -> [UInt8]? {
        guard let ref = config.signingKey else { return nil }
        let text = try ref.resolve(relativeTo: config.baseDirectory)
        guard let seed = ReleaseSigning.parseKey(text) else {
            throw ODPError.usage("keys.signing（\(ref)）不是 Ed25519 私钥：应为 32 字节种子的 64 位十六进制或 Base64，可用 `odp keys generate --out DIR` 生成")
        }
        return seed
    }

    /// Code tables and the pseudonym key, read once per run.
    public func stageContext(runDate: CivilDateTime) throws -> StageContext {
        var tables: [String: CodeTable] = [:]
        for ref in config.codeTables {
            tables[ref.name] = try CodeTable.load(name: ref.name, path: config.resolve(ref.path), history: ref.history.map(config.resolve))
        }
        var keyID: String?
        var key: [UInt8]?
        if let ref = config.pseudonymKey {
            keyID = ref.id
            key = Array(try ref.secret.resolve(relativeTo: config.baseDirectory).utf8)
        }
        return StageContext(config: config, codeTables: tables, pseudonymKeyID: keyID, pseudonymKey: key, runDate: runDate)
    }
}
