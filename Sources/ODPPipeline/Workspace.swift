import Foundation
import Synchronization
import ODPCheck
import ODPCore
import ODPDesensitize
import ODPExtract
import ODPPublish

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
    /// - Parameter openSources: also open every local source file and read every secret
    ///   (`odp validate`). A run leaves that to each dataset's own run, so a damaged file or a
    ///   missing key fails the datasets that need it, not the whole run.
    public static func load(configPath: String, files: [String] = [], openSources: Bool = false) throws -> Workspace {
        let (config, configDiagnostics) = PipelineConfig.load(path: configPath)
        guard let config else { throw ODPError.definition(configDiagnostics) }
        var diagnostics = configDiagnostics + Publisher.validate(config)
        var definitions: [DatasetDefinition] = []
        var ids: [String: String] = [:]
        let files = files.isEmpty ? config.datasetFiles : files
        // Each file is parsed and checked on its own, on every core (a city's 21,000 definitions
        // are tens of seconds of parsing on one); merged in file order, so the diagnostics, ids
        // and run order are those of a sequential load.
        let loaded = Mutex<[Int: (DatasetDefinition?, [Diagnostic])]>([:])
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let one = loadOne(files[i], config: config, openSources: openSources)
            loaded.withLock { $0[i] = one }
        }
        let results = loaded.withLock { $0 }
        for (i, file) in files.enumerated() {
            let (definition, found) = results[i] ?? (nil, [])
            diagnostics += found
            guard let definition else { continue }
            if let other = ids[definition.id] {
                diagnostics.append(Diagnostic(SourceLocation(file: file, line: 1), "数据集标识（dataset id）`\(definition.id)` 已被 \(other) 使用"))
            }
            ids[definition.id] = file
            definitions.append(definition)
        }
        diagnostics += ReferenceGraph(definitions, known: definitions + otherDatasets(config, loaded: ids)).diagnostics
        for ref in config.codeTables {
            for path in [ref.path] + (ref.history.map { [$0] } ?? []) where !FileManager.default.fileExists(atPath: config.resolve(path).path) {
                diagnostics.append(Diagnostic(SourceLocation(file: config.file), "代码表（code table）`\(ref.name)`：文件 \(path) 不存在"))
            }
        }
        if openSources { diagnostics += secretDiagnostics(config, definitions: definitions) }
        return Workspace(config: config, definitions: definitions, diagnostics: diagnostics)
    }

    /// One definition file, parsed and checked alone.
    private static func loadOne(_ file: String, config: PipelineConfig, openSources: Bool) -> (DatasetDefinition?, [Diagnostic]) {
        var (definition, diagnostics) = DatasetDefinition.load(path: file)
        guard let definition else { return (nil, diagnostics) }
        let outside = SourcePathPolicy.check(definition, pipelineFolder: URL(fileURLWithPath: config.file).deletingLastPathComponent())
        diagnostics += outside
        // A source outside is never opened: not even its first line reaches a message.
        if outside.isEmpty {
            diagnostics += Extractor.validate(definition)
            if openSources { diagnostics += Extractor.probe(definition) }
        }
        diagnostics += Checker.validate(definition, config: config)
        diagnostics += Desensitizer.validate(definition, config: config)
        return (definition, diagnostics)
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

    /// Code tables and the pseudonym key, read once per run. An unreadable pseudonym key is
    /// carried as `pseudonymKeyProblem`, failing only the datasets whose fields use it.
    public func stageContext(runDate: CivilDateTime) throws -> StageContext {
        var tables: [String: CodeTable] = [:]
        for ref in config.codeTables {
            tables[ref.name] = try CodeTable.load(name: ref.name, path: config.resolve(ref.path), history: ref.history.map(config.resolve))
        }
        var context = StageContext(config: config, codeTables: tables, runDate: runDate)
        if let ref = config.pseudonymKey {
            context.pseudonymKeyID = ref.id
            switch pseudonymKey() {
            case .success(let key): context.pseudonymKey = key
            case .failure(let error): context.pseudonymKeyProblem = ODPError.from(error).message
            }
        }
        return context
    }
}
