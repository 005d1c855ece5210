import Foundation
import ODPCore
import ODPPipeline
import ODPPublish
import Testing

/// Per-dataset state (`FileStateStore`) and the migration of output folders written in the
/// catalog-wide layout (`state/datasets.json`, `state/publish/{intents,receipts}.jsonl`).
@Suite("State store")
struct StateStoreTests {
    /// Rewrites a run's per-dataset state into the catalog-wide files the previous odp wrote,
    /// with the same writers (`DatasetStates.save`, one `encodeLine` per journal line).
    static func writeLegacyLayout(_ state: URL) throws {
        let store = try FileStateStore(directory: state)
        try store.datasetStates().save(to: state.appendingPathComponent("datasets.json"))
        var intents = Data(), receipts = Data()
        for dataset in store.journaledDatasets() {
            for i in store.intents(dataset: dataset) { intents += try ArtifactCodec.encodeLine(i) + Data("\n".utf8) }
            for r in store.receipts(dataset: dataset) { receipts += try ArtifactCodec.encodeLine(r) + Data("\n".utf8) }
        }
        try intents.write(to: state.appendingPathComponent("publish/intents.jsonl"))
        try receipts.write(to: state.appendingPathComponent("publish/receipts.jsonl"))
        try FileManager.default.removeItem(at: state.appendingPathComponent("datasets"))
        try FileManager.default.removeItem(at: state.appendingPathComponent("journal"))
    }

    @Test("an output folder in the catalog-wide layout is migrated on the next run, which re-releases and re-uploads nothing")
    func migratesOnRun() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let first = try fixture.run()
        let state = fixture.output.appendingPathComponent("state")
        let before = try FileStateStore(directory: state)
        let states = try before.datasetStates()
        let receipts = before.journaledDatasets().flatMap { before.receipts(dataset: $0) }
        #expect(states.states.count == DemoFixture.datasets.count && !receipts.isEmpty)
        try Self.writeLegacyLayout(state)

        let second = try fixture.run()
        for (a, b) in zip(first.outcomes, second.outcomes) {
            #expect(a.version == b.version, "\(a.dataset) got a new version")
            if a.status == .published { #expect(b.status == .unchanged, "\(b.dataset): \(b.status)") }
            #expect(b.bytesPublished == 0, "\(b.dataset) uploaded again")
        }
        let after = try FileStateStore(directory: state)
        #expect(after.journaledDatasets().flatMap { after.receipts(dataset: $0) } == receipts)
        for id in DemoFixture.datasets { #expect(try after.datasetState(id)?.lastVersion == states[id]?.lastVersion) }
        for name in ["datasets.json", "publish/intents.jsonl", "publish/receipts.jsonl"] {
            #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent(name).path), "\(name) left in place")
            #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent(name + ".migrated").path))
        }
    }

    @Test("a migration cut short is redone without duplicating what it had already written")
    func migrationIsIdempotent() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("odp-state-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let receipts = ["a", "a", "b"].enumerated().map { n, dataset in
            Receipt(target: "t", dataset: dataset, version: "2026.12.07.1", file: "f\(n).csv", sha256: String(repeating: "\(n)", count: 64),
                    size: Int64(n), remote: "/r/f\(n).csv", time: "2026-12-07T02:00:00.000Z")
        }
        try FileManager.default.createDirectory(at: state.appendingPathComponent("publish"), withIntermediateDirectories: true)
        try Data(receipts.map { try ArtifactCodec.encodeLine($0) + Data("\n".utf8) }.joined())
            .write(to: state.appendingPathComponent("publish/receipts.jsonl"))
        // The crash picture: dataset a's journal was written, the old file not yet renamed.
        let early = state.appendingPathComponent("journal/a/receipts.jsonl")
        try FileManager.default.createDirectory(at: early.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(receipts.prefix(2).map { try ArtifactCodec.encodeLine($0) + Data("\n".utf8) }.joined()).write(to: early)

        let store = try FileStateStore(directory: state)
        #expect(store.receipts(dataset: "a") == Array(receipts.prefix(2)))
        #expect(store.receipts(dataset: "b") == [receipts[2]])
        #expect(store.journaledDatasets() == ["a", "b"])
        #expect(Publisher.status(store: store).isEmpty, "receipts without intents are not pending uploads")
    }

    @Test("saving one dataset's state leaves every other dataset's file untouched")
    func perDatasetFiles() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("odp-state-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let store = try FileStateStore(directory: state)
        try store.save(DatasetState(lastVersion: "2026.12.07.1", lastOutcome: .published), dataset: "a")
        try store.save(DatasetState(lastOutcome: .held), dataset: "b")
        let untouched = try Data(contentsOf: store.stateFile(dataset: "b"))
        let modified = try FileManager.default.attributesOfItem(atPath: store.stateFile(dataset: "b").path)[.modificationDate] as? Date
        try store.save(DatasetState(lastVersion: "2026.12.07.2", lastOutcome: .published), dataset: "a")
        #expect(try Data(contentsOf: store.stateFile(dataset: "b")) == untouched)
        #expect(try FileManager.default.attributesOfItem(atPath: store.stateFile(dataset: "b").path)[.modificationDate] as? Date == modified)
        #expect(try store.datasetStates().states.keys.sorted() == ["a", "b"])
        #expect(try store.datasetState("a")?.lastVersion == "2026.12.07.2")
    }
}
