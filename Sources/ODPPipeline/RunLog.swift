import Foundation
import ODPCore

/// Logs for people and machines: readable lines on stderr (or a live progress line on a
/// terminal), structured JSON lines in `state/logs/odp.jsonl`. Messages carry dataset ids,
/// counts and paths, never cell values or secrets.
public final class RunLog: @unchecked Sendable {
    public enum Level: String, Sendable { case info, warning, error }

    private let file: FileHandle?
    private let interactive: Bool
    private let quiet: Bool
    private let lock = NSLock()
    private var progressShown = false

    public init(logFile: URL?, interactive: Bool = isatty(2) == 1, quiet: Bool = false) {
        self.interactive = interactive
        self.quiet = quiet
        if let logFile {
            try? FileManager.default.createDirectory(at: logFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: logFile.path) { _ = FileManager.default.createFile(atPath: logFile.path, contents: nil) }
            file = FileHandle(forWritingAtPath: logFile.path)
            _ = try? file?.seekToEnd()
        } else {
            file = nil
        }
    }

    public func log(_ level: Level, _ message: String, dataset: String? = nil, _ fields: [String: ArtifactJSON] = [:]) {
        lock.lock()
        defer { lock.unlock() }
        var entry: [String: ArtifactJSON] = ["time": .string(ISO8601DateFormatter().string(from: Date())), "level": .string(level.rawValue),
                                             "message": .string(message)]
        if let dataset { entry["dataset"] = .string(dataset) }
        entry.merge(fields) { _, field in field }
        if let data = try? ArtifactJSON.object(entry).encoded(pretty: false) {
            try? file?.write(contentsOf: data + Data("\n".utf8))
        }
        guard !quiet || level != .info else { return }
        clearProgress()
        let prefix = level == .info ? "" : "\(level.rawValue): "
        let suffix = fields.isEmpty ? "" : " " + fields.keys.sorted().map { "\($0)=\(Self.text(fields[$0]!))" }.joined(separator: " ")
        FileHandle.standardError.write(Data("\(prefix)\(dataset.map { "[\($0)] " } ?? "")\(message)\(suffix)\n".utf8))
    }

    /// A field as a person reads it on stderr: strings without quotes.
    private static func text(_ value: ArtifactJSON) -> String {
        switch value {
        case .string(let s): return s
        case .int(let n): return String(n)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        default: return (try? value.encoded(pretty: false)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    /// A live line on a terminal (dataset, rows, rows/s, elapsed); nothing otherwise.
    public func progress(dataset: String, rows: Int, elapsed: Double) {
        guard interactive, !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let rate = elapsed > 0 ? Int(Double(rows) / elapsed) : 0
        let line = String(format: "\r\u{1B}[2K%@  %d rows  %d rows/s  %.1fs", dataset, rows, rate, elapsed)
        FileHandle.standardError.write(Data(line.utf8))
        progressShown = true
    }

    private func clearProgress() {
        if progressShown {
            FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
            progressShown = false
        }
    }
}
