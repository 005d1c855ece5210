import Foundation
import ODPCore

/// Where a catalog file's bytes go as they are rendered, so that no file is held whole: the
/// DCAT document alone is 158 MB at 21,000 datasets, and building it as one array (grown by
/// doubling, then copied into `Data`) was most of the catalog step's peak memory.
/// - `memory`: one entry's files for its own gate, and tests;
/// - `file`: the staged file, written through `OutputFile`'s buffer;
/// - `compare`: nothing is written; the bytes are compared with an existing file as they come,
///   to learn whether a rendering changed anything.
final class CatalogSink {
    private enum Mode { case memory, file(OutputFile), compare(FileHandle), absent }
    private let mode: Mode
    private(set) var data = Data()
    /// In `compare` mode: whether every byte so far matched the existing file.
    private(set) var same = true

    init() { mode = .memory }

    init(file url: URL) throws { mode = .file(try OutputFile(path: url, capacity: 1 << 20)) }

    /// Compares with the file at `url`; a missing file is never the same.
    init(comparingWith url: URL) {
        if let handle = FileHandle(forReadingAtPath: url.path) { mode = .compare(handle) } else { mode = .absent; same = false }
    }

    func write(_ bytes: [UInt8]) throws {
        switch mode {
        case .memory: data.append(contentsOf: bytes)
        case .file(let file): try file.append(bytes)
        case .absent: break
        case .compare(let handle): compare(bytes, handle)
        }
    }

    func write(_ bytes: Data) throws {
        switch mode {
        case .memory: data.append(bytes)
        case .file(let file): try bytes.withUnsafeBytes { try file.append($0.bindMemory(to: UInt8.self)) }
        case .compare(let handle): compare(bytes, handle)
        case .absent: break
        }
    }

    private func compare(_ bytes: some Collection<UInt8>, _ handle: FileHandle) {
        guard same, !bytes.isEmpty else { return }
        let existing = (try? handle.read(upToCount: bytes.count)) ?? nil
        same = existing.map { $0.elementsEqual(bytes) } ?? false
    }

    /// Ends the file: `file` is flushed and fsynced; `compare` also needs the existing file to end here.
    func close() throws {
        switch mode {
        case .memory, .absent: break
        case .file(let file): _ = try file.close()
        case .compare(let handle):
            if same, let more = try? handle.read(upToCount: 1), !more.isEmpty { same = false }
            try? handle.close()
        }
    }
}
