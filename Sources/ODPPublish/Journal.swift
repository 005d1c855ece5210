import Foundation
import ODPCore

/// Append-only JSON-lines files under the state directory: `intents.jsonl` (what a run set
/// out to publish) and `receipts.jsonl` (what a target confirmed). Each line is written with
/// one `write` and fsync'd before the next upload starts, so a crash loses at most the line
/// being written; a torn last line is ignored on reading.
final class Journal {
    let directory: URL
    private var receiptsFile: URL { Self.receiptsFile(in: directory) }
    private var intentsFile: URL { Self.intentsFile(in: directory) }
    private static func receiptsFile(in directory: URL) -> URL { directory.appendingPathComponent("receipts.jsonl") }
    private static func intentsFile(in directory: URL) -> URL { directory.appendingPathComponent("intents.jsonl") }
    private(set) var receipts: [JournalKey: Receipt] = [:]

    init(directory: URL) throws {
        self.directory = directory
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ODPError.io(directory.path, "无法创建上传状态目录（cannot create the publish state folder）：\(ODPError.from(error, path: directory.path).message)")
        }
        refresh()
    }

    /// Re-reads the receipts another process may have appended (called under the dataset lock).
    func refresh() {
        receipts.merge(Self.receipts(in: directory)) { _, new in new }
    }

    func receipt(for key: JournalKey, sha256: String) -> Receipt? {
        guard let r = receipts[key], r.sha256 == sha256 else { return nil }
        return r
    }

    func append(_ receipt: Receipt) throws {
        try Self.appendLine(receipt, to: receiptsFile)
        receipts[receipt.key] = receipt
    }

    func append(intents: [UploadIntent]) throws {
        let known = Set(self.intents())
        for i in intents where !known.contains(i) {
            try Self.appendLine(i, to: intentsFile)
        }
    }

    func intents() -> [UploadIntent] { Self.intents(in: directory) }

    /// The intents journaled under `directory`, read without opening any target.
    static func intents(in directory: URL) -> [UploadIntent] {
        ArtifactCodec.readLines(UploadIntent.self, at: intentsFile(in: directory))
    }

    /// The receipts journaled under `directory`, newest per file.
    static func receipts(in directory: URL) -> [JournalKey: Receipt] {
        var out: [JournalKey: Receipt] = [:]
        for r in ArtifactCodec.readLines(Receipt.self, at: receiptsFile(in: directory)) { out[r.key] = r }
        return out
    }

    private static func appendLine<T: Artifact>(_ value: T, to url: URL) throws {
        var line = try ArtifactCodec.encodeLine(value)
        line.append(0x0A)
        let fd = open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ODPError.io(url.path, "无法打开上传日志（cannot open the journal）：\(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // After a torn last line (a crash mid-write), start on a fresh line, or this entry
        // would join the torn one and be lost with it.
        var last: UInt8 = 0x0A
        let end = lseek(fd, 0, SEEK_END)
        if end > 0, pread(fd, &last, 1, end - 1) == 1, last != 0x0A { line.insert(0x0A, at: line.startIndex) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else {
            throw ODPError.io(url.path, "无法写入上传日志（cannot write the journal）：\(String(cString: strerror(errno)))")
        }
    }
}
