import Foundation

/// JSON-lines artifacts (the audit trail, the upload journal): one compact object per line,
/// each carrying its own `schema_version`, so a file appended to by several odp versions
/// stays readable line by line.
extension ArtifactCodec {
    /// One line's bytes, without the newline: compact, sorted keys, unescaped slashes.
    public static func encodeLine<T: Artifact>(_ value: T) throws -> Data {
        var tree = try ArtifactJSON(encoding: value)
        tree[versionKey] = .int(Int64(T.schemaVersion))
        return try tree.encoded(pretty: false)
    }

    /// Every complete line of a JSON-lines file that decodes as `T`. A torn or foreign
    /// line is skipped: it was never acknowledged to anyone (see the writers).
    public static func readLines<T: Artifact>(_ type: T.Type, at url: URL) -> [T] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        return data.split(separator: 0x0A).compactMap { try? decode(T.self, from: Data($0), file: url.path) }
    }
}

extension ArtifactCodec {
    /// Appends one line with a single `write`, fsync'd before returning, so a crash loses at
    /// most the line being written.
    ///
    /// ## Errors
    /// `ODPError.io` naming the file when it cannot be opened or written.
    public static func appendLine<T: Artifact>(_ value: T, to url: URL) throws {
        try appendLines([value], to: url)
    }

    /// Appends lines with a single `write` and one fsync (an upload's intents: one fsync per
    /// dataset and target, not per file). After a torn last line (a crash mid-write) the first
    /// entry starts on a fresh line, or it would join the torn one and be lost with it.
    public static func appendLines<T: Artifact>(_ values: [T], to url: URL) throws {
        guard !values.isEmpty else { return }
        var lines = Data()
        for value in values { lines += try encodeLine(value) + Data("\n".utf8) }
        var fd = Foundation.open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            fd = Foundation.open(url.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        }
        guard fd >= 0 else { throw ODPError.io(url.path, "无法打开记录文件 (cannot open the journal): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var last: UInt8 = 0x0A
        let end = lseek(fd, 0, SEEK_END)
        if end > 0, pread(fd, &last, 1, end - 1) == 1, last != 0x0A { lines.insert(0x0A, at: lines.startIndex) }
        let written = lines.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == lines.count, fsync(fd) == 0 else {
            throw ODPError.io(url.path, "无法写入记录文件 (cannot write the journal): \(String(cString: strerror(errno)))")
        }
    }
}
