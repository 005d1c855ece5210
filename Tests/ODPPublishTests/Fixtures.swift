import Foundation
import Testing
import ODPCore
@testable import ODPPublish

/// Builds what the other stages would hand the publisher: a pipeline config with targets,
/// a dataset definition and a complete release folder with SHA256SUMS.
enum Fixtures {
    static func tempDirectory(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("odp-publish-\(label)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `targets` is the YAML list body, indented by two spaces.
    static func config(_ targets: String, in dir: URL) -> (PipelineConfig?, [Diagnostic]) {
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("odp.yml").path
        let yaml = "output: out\ndatasets: [\"*.dataset.yml\"]\ntargets:\n\(targets)\n"
        try! yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return PipelineConfig.load(path: path)
    }

    static func definition(id: String = "bus-stops", code: String = "370100-JT-0001/交通") -> DatasetDefinition {
        let catalog = CatalogMetadata(title: "公交站点", code: code, provider: "市交通运输局", providerCode: "11370100004318345X",
                                      summary: "全市公交站点位置与线路。", domain: "交通出行", openType: .unconditional,
                                      updateCycle: .monthly, keywords: ["公交", "站点"], license: "CC-BY-4.0")
        let schema = Schema([FieldDefinition(name: "stop_id", title: "站点编号", type: .string)])
        return DatasetDefinition(id: id, catalog: catalog, source: SourceSpec(kind: .csv, path: "x.csv"), schema: schema)
    }

    /// The files `release(in:)` publishes without a signature: five listed in SHA256SUMS and
    /// SHA256SUMS itself.
    static let releaseFileCount = 6

    /// A release folder as ODPRelease writes it: data, descriptors, a release.json (with a
    /// signer and SHA256SUMS.sig when `signature` is given) and SHA256SUMS over them; `seed`
    /// changes the content (a new version).
    @discardableResult
    static func release(in dir: URL, id: String = "bus-stops", seed: Int = 1, rows: Int = 50, signature: Data? = nil) -> URL {
        let root = dir.appendingPathComponent("release-\(id)-\(seed)")
        let fm = FileManager.default
        try! fm.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
        var csv = "stop_id,name,lon,lat\n"
        for i in 0..<rows { csv += "S\(seed)-\(i),站点\(i),117.\(i),36.\(seed)\n" }
        let dataFile = ReleaseFile(path: "data/\(id).csv", bytes: csv.utf8.count, sha256: SHA256Hex.of(Array(csv.utf8)))
        let metadata = ReleaseMetadata(
            datasetId: id, version: "v\(seed)", status: .released, holdReasons: [], contentHash: dataFile.sha256,
            created: "2026-12-07T08:00:00Z", rowCount: rows, previousVersion: nil, definitionHash: String(repeating: "0", count: 64),
            dataFiles: [dataFile], publishedFileGate: 1,
            signature: signature.map { _ in ReleaseSignature(publicKey: String(repeating: "ab", count: 32)) }, changes: nil)
        let files: [String: String] = [
            "data/\(id).csv": csv,
            "data/\(id).json": "[{\"stop_id\":\"S\(seed)-0\"}]\n",
            "datapackage.json": "{\"name\":\"\(id)\",\"version\":\"\(seed)\"}\n",
            "README.md": "# 公交站点\n\n版本 \(seed)\n",
            "release.json": String(decoding: try! ArtifactCodec.encode(metadata), as: UTF8.self),
        ]
        var sums = ""
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            try! text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
            sums += "\(SHA256Hex.of(Array(text.utf8)))  \(path)\n"
        }
        try! sums.write(to: root.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
        try! signature?.write(to: root.appendingPathComponent("SHA256SUMS.sig"))
        return root
    }

    /// Publishes fresh releases (`resumed`, `resumed-1`, …) through a publisher that gives up
    /// at the first fault, each run after run until it is complete, and stops after the first
    /// release whose publishing was interrupted at least once: with 30% faults a release of a
    /// few requests can go through untouched by chance, which proves nothing about resuming.
    /// Returns the releases published (id and folder) and whether one was interrupted.
    static func publishUntilInterrupted(in dir: URL, seed: Int, errors: inout [String], maxReleases: Int = 6,
                                        _ publish: (_ release: URL, _ id: String) throws -> Void) -> (releases: [(id: String, url: URL)], interrupted: Bool) {
        var releases: [(id: String, url: URL)] = []
        for k in 0..<maxReleases {
            let id = k == 0 ? "resumed" : "resumed-\(k)"
            let release = Fixtures.release(in: dir, id: id, seed: seed + k)
            var done = false
            var failures = 0
            // Runs with no retries through a proxy that faults 30% of the requests of every suite
            // sharing it: each run resumes where the journal says, but under a loaded machine a
            // run can make no progress; 200 keeps that from failing a correct publisher.
            for _ in 0..<200 where !done {
                do { try publish(release, id); done = true } catch { failures += 1; errors.append("\(error)") }
            }
            #expect(done, "\(id) was not published in 200 runs; the last errors: \(errors.suffix(3))")
            releases.append((id, release))
            if failures > 0 { return (releases, true) }
        }
        return (releases, false)
    }

    static func lines(_ url: URL) -> [String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// One dataset's receipts journal under a state folder (`FileStateStore`'s layout).
    static func receiptsFile(_ state: URL, dataset: String = "bus-stops") -> URL {
        state.appendingPathComponent("journal/\(dataset)/receipts.jsonl")
    }

    /// Every receipt line of every dataset's journal under a state folder.
    static func receiptLines(_ state: URL) -> [String] {
        let journal = state.appendingPathComponent("journal")
        let datasets = ((try? FileManager.default.contentsOfDirectory(atPath: journal.path)) ?? []).sorted()
        return datasets.flatMap { lines(receiptsFile(state, dataset: $0)) }
    }
}

/// A thread-safe collector for the publisher's log lines.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    var sink: @Sendable (String) -> Void { { [self] line in lock.lock(); items.append(line); lock.unlock() } }
}
