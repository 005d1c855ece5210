import Foundation
import ODPCheck
import ODPCore
import ODPDesensitize
import ODPExtract

/// Decides before a dataset runs whether anything it reads changed since its last good
/// release (DESIGN.md, "Many datasets"): the source (`SourceFingerprint`), its definition,
/// the code tables, the keys, the targets and the releases its `reference` rules read. An
/// unchanged dataset is not extracted and makes no target request: the upload journal is
/// trusted (`odp verify --targets` compares the targets with it).
struct InputCheck {
    /// Digest of what every dataset of the run shares: code tables, keys, targets.
    let shared: String
    let layout: OutputLayout
    let options: RunOptions
    let log: RunLog

    init(workspace: Workspace, context: StageContext, signingKey: [UInt8]?, options: RunOptions, log: RunLog) {
        let config = workspace.config
        var lines: [String] = []
        for ref in config.codeTables {
            for path in [ref.path] + (ref.history.map { [$0] } ?? []) {
                let bytes = (try? Data(contentsOf: config.resolve(path))).map { SHA256Hex.of($0) } ?? "unreadable"
                lines.append("code_table \(ref.name) \(path) \(bytes)")
            }
        }
        // One-way digests with a label: the state file never holds anything a key can be read back from.
        if let key = context.pseudonymKey { lines.append("pseudonym \(context.pseudonymKeyID ?? "") " + SHA256Hex.of(Array("odp-inputs-pseudonym".utf8) + key)) }
        if let key = signingKey { lines.append("signing " + SHA256Hex.of(Array("odp-inputs-signing".utf8) + key)) }
        for target in config.targets { lines.append("target \(target.type) \(target.params)") }
        shared = SHA256Hex.of(Array(lines.joined(separator: "\n").utf8))
        layout = workspace.layout
        self.options = options
        self.log = log
    }

    /// The dataset's inputs as they are now; nil when they cannot be taken cheaply (a
    /// database without a probe, a missing file, a reconciliation that is due), so it runs.
    func inputs(of definition: DatasetDefinition, state: DatasetState, lastVersion: (String) -> String?) -> DatasetInputs? {
        if reconciliationDue(definition) || unusableWatermark(definition, state: state) { return nil }
        let taken: SourceFingerprint.Taken?
        do { taken = try SourceFingerprint.take(definition, previous: state.inputs?.files ?? []) } catch {
            // The run meets the same problem and reports it as the dataset's failure.
            log.log(.info, "source not fingerprinted: \(error)", dataset: definition.id)
            return nil
        }
        guard let taken else { return nil }
        var lines = ["definition \(definition.definitionHash)", "shared \(shared)"]
        // Compiled here, per dataset that is due, not for the whole catalog up front (`--due`).
        for id in Checker.references(of: definition).map(\.dataset) { lines.append("reference \(id) \(lastVersion(id) ?? "-")") }
        if dependsOnRunDate(definition) { lines.append("day \(options.runDate.isoDate)") }
        return DatasetInputs(settings: SHA256Hex.of(Array(lines.joined(separator: "\n").utf8)), files: taken.files, probe: taken.probe)
    }

    /// Whether the last good run read exactly these inputs and its release is still the latest.
    static func unchanged(_ inputs: DatasetInputs?, state: DatasetState, latestVersion: String?) -> Bool {
        guard let inputs, let last = state.inputs, state.lastOutcome == .published || state.lastOutcome == .unchanged,
              let version = state.lastVersion, version == latestVersion else { return false }
        return last.settings == inputs.settings && last.probe == inputs.probe
            && last.files.map(\.path) == inputs.files.map(\.path) && last.files.map(\.sha256) == inputs.files.map(\.sha256)
    }

    /// Age bands count years to the run date and timeliness ages the data: such a release
    /// can change with the day alone.
    private func dependsOnRunDate(_ definition: DatasetDefinition) -> Bool {
        if Desensitizer.dependsOnRunDate(definition) { return true }
        guard case .map(let entries, _)? = definition.gate else { return false }
        return entries.contains { $0.key == "timeliness" }
    }

    /// A merged source whose stored watermark cannot start a window (`infinity`, a future
    /// time) must run, to read in full.
    private func unusableWatermark(_ definition: DatasetDefinition, state: DatasetState) -> Bool {
        definition.source.incremental?.mode == .merge && state.watermark != nil
            && Extractor.usableWatermark(state.watermark, in: definition) == nil
    }

    /// A merged incremental source whose reconciliation is due must run to reconcile.
    private func reconciliationDue(_ definition: DatasetDefinition) -> Bool {
        guard let incremental = definition.source.incremental, incremental.mode == .merge else { return false }
        return (try? IncrementalExtraction.reconcileDue(definition, layout: layout, runTime: options.runTime)) ?? true
    }
}
