import Foundation
import ODPCore

/// The upload journal as the publisher uses it: intents (what a run set out to publish) and
/// receipts (what a target confirmed), kept per dataset by the `StateStore`, so a lookup reads
/// one dataset's history and never the whole catalog's. Each entry is durable before the next
/// upload starts, so a crash loses at most the entry being written.
final class Journal {
    let store: StateStore

    init(store: StateStore) { self.store = store }

    /// The dataset's receipts, newest per file.
    func receipts(dataset: String) -> [JournalKey: Receipt] {
        var out: [JournalKey: Receipt] = [:]
        for r in store.receipts(dataset: dataset) { out[r.key] = r }
        return out
    }

    func append(_ receipt: Receipt) throws { try store.append(receipt) }

    /// Journals the intents not journaled yet (all of one dataset).
    func append(intents: [UploadIntent]) throws {
        guard let dataset = intents.first?.dataset else { return }
        let known = Set(store.intents(dataset: dataset))
        var fresh: [UploadIntent] = []
        for i in intents where !known.contains(i) && !fresh.contains(i) { fresh.append(i) }
        try store.append(intents: fresh)
    }

    func intents(dataset: String) -> [UploadIntent] { store.intents(dataset: dataset) }
}
