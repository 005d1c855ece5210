import Foundation
import ODPCore

/// Append-only JSON-lines files under the state directory: `intents.jsonl` (what a run set
/// out to publish) and `receipts.jsonl` (what a target confirmed). Each line is written with
/// one `write` and fsync'd before the next upload starts, so a crash loses at most the line
/// being written; a torn last line is ignored on reading.
final class Journal {
    struct Intent: Codable {
        var target: String
        var dataset: String
        var version: String
        var file: String
        var sha256: String
        var size: Int64
    }

    let directory: URL
    private var receiptsFile: URL { directory.appendingPathComponent("receipts.jsonl") }
    private var intentsFile: URL { directory.appendingPathComponent("intents.jsonl") }
    private(set) var receipts: [JournalKey: Receipt] = [:]

    init(directory: URL) throws {
        self.directory = directory
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ODPError.io(directory.path, "cannot create the publish state folder: \(error.localizedDescription)")
        }
        refresh()
    }

    /// Re-reads the receipts another process may have appended (called under the dataset lock).
    func refresh() {
        for r: Receipt in Self.read(receiptsFile) { receipts[r.key] = r }
    }

    func receipt(for key: JournalKey, sha256: String) -> Receipt? {
        guard let r = receipts[key], r.sha256 == sha256 else { return nil }
        return r
    }

    func append(_ receipt: Receipt) throws {
        try Self.appendLine(receipt, to: receiptsFile)
        receipts[receipt.key] = receipt
    }

    func append(intents: [Intent]) throws {
        let known = Set(Self.read(intentsFile).map { (i: Intent) in "\(i.target)\t\(i.dataset)\t\(i.version)\t\(i.file)\t\(i.sha256)" })
        for i in intents where !known.contains("\(i.target)\t\(i.dataset)\t\(i.version)\t\(i.file)\t\(i.sha256)") {
            try Self.appendLine(i, to: intentsFile)
        }
    }

    func intents() -> [Intent] { Self.read(intentsFile) }

    private static func appendLine<T: Encodable>(_ value: T, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(value)
        line.append(0x0A)
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ODPError.io(url.path, "cannot open the journal: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            throw ODPError.io(url.path, "cannot write the journal: \(String(cString: strerror(errno)))")
        }
    }

    private static func read<T: Decodable>(_ url: URL) -> [T] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        let decoder = JSONDecoder()
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(T.self, from: Data($0)) }
    }
}
