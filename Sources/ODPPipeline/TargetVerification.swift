import Foundation
import ODPCore
import ODPPublish
import ODPRelease

/// `odp verify --targets`: a run trusts the upload journal and asks no target about an
/// unchanged dataset, so this compares the targets with the journal instead. Every file of
/// each dataset's latest release that the journal says was published, and the open list as
/// last uploaded, is looked at on every target by content; what is missing or differs is
/// uploaded again and reported.
public struct TargetVerification {
    public struct Result: Sendable {
        /// Releases (and the open list) compared.
        public var releases = 0
        /// Files compared, counted once per target.
        public var files = 0
        /// Uploaded again: `target dataset/version/file`.
        public var reuploaded: [String] = []
        /// Datasets whose comparison failed, with why.
        public var failures: [String] = []
    }

    public let workspace: Workspace
    public let log: RunLog

    public init(workspace: Workspace, log: RunLog) {
        self.workspace = workspace
        self.log = log
    }

    /// - Throws: only before anything is compared (no targets, the run lock held).
    public func run() throws -> Result {
        let layout = workspace.layout
        guard !workspace.config.targets.isEmpty else { throw ODPError.usage("odp.yml names no `targets:`: there is nothing to verify") }
        let lock = RunLock(url: layout.lockFile)
        try lock.acquire()
        defer { lock.release() }
        let store = try workspace.openStateStore()
        let publisher = try Publisher(config: workspace.config, stateDirectory: layout.state, store: store,
                                      environment: ProcessInfo.processInfo.environment, log: { [log] line in log.log(.info, line) })
        let published = Publisher.status(store: store).filter { $0.state == .published }
        let journaled = Set(published.map { "\($0.dataset)\u{1F}\($0.version)" })
        var result = Result()
        for definition in workspace.definitions {
            guard let latest = (try? ReleaseReader.latest(datasetId: definition.id, root: layout.root)) ?? nil,
                  journaled.contains("\(definition.id)\u{1F}\(latest.version)") else { continue }
            record(definition.id, into: &result) {
                try publisher.repair(release: latest.directory, definition: definition, version: latest.version)
            }
        }
        let listed = Set(published.filter { $0.dataset == "catalog" }.map(\.file))
        let catalog = listed.sorted().map { layout.catalog.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        if !catalog.isEmpty { record("catalog", into: &result) { try publisher.repairCatalog(files: catalog) } }
        return result
    }

    private func record(_ name: String, into result: inout Result, _ body: () throws -> [Receipt]) {
        result.releases += 1
        do {
            let receipts = try body()
            result.files += receipts.count
            for r in receipts where r.newlyUploaded {
                result.reuploaded.append("\(r.target) \(r.dataset)/\(r.version)/\(r.file)")
                log.log(.warning, "\(r.target): \(r.file) was missing or changed on the target; uploaded again", dataset: r.dataset)
            }
        } catch {
            let message = "\(ODPError.from(error))"
            result.failures.append("\(name): \(message)")
            log.log(.error, "targets not verified: \(message)", dataset: name)
        }
    }
}
