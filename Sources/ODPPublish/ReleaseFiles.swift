import Foundation
import ODPCore

/// One file to publish, with the hash the release recorded for it.
struct ReleaseFile: Sendable, Hashable {
    /// Path inside the release, `/`-separated.
    var path: String
    var url: URL
    var sha256: String
    var size: Int64

    var name: String { (path as NSString).lastPathComponent }

    /// CKAN `format` and HTTP content type, by extension.
    var format: String {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": return "CSV"
        case "json": return "JSON"
        case "jsonld": return "JSON-LD"
        case "md": return "Markdown"
        case "html": return "HTML"
        case "zip": return "ZIP"
        case "xlsx": return "XLSX"
        default: return path.hasSuffix("SHA256SUMS") || path.hasSuffix("SHA256SUMS.sig") ? "TXT" : "BIN"
        }
    }
}

enum ReleaseFiles {
    static let signatureName = "SHA256SUMS.sig"

    /// Reads `SHA256SUMS` (sha256sum format) and checks every listed file against it while
    /// streaming, so a truncated or edited release is refused before anything is uploaded.
    /// Files come in a stable order: data first, then descriptors, SHA256SUMS, then its
    /// signature SHA256SUMS.sig when the release is signed.
    static func load(_ directory: URL) throws -> [ReleaseFile] {
        let sumsURL = directory.appendingPathComponent("SHA256SUMS")
        guard let data = FileManager.default.contents(atPath: sumsURL.path), let text = String(data: data, encoding: .utf8) else {
            throw ODPError.io(sumsURL.path, "release has no readable SHA256SUMS; only complete releases are published")
        }
        var files: [ReleaseFile] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64 else {
                throw ODPError.data(SourceLocation(file: sumsURL.path, line: n + 1), "not a `<sha256>  <path>` line")
            }
            var path = parts[1].trimmingCharacters(in: .whitespaces)
            if path.hasPrefix("*") { path.removeFirst() }
            if path.hasPrefix("./") { path.removeFirst(2) }
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                throw ODPError.data(SourceLocation(file: sumsURL.path, line: n + 1), "path `\(path)` leaves the release folder")
            }
            let url = directory.appendingPathComponent(path)
            let (hash, size) = try hashFile(url)
            guard hash == parts[0].lowercased() else {
                throw ODPError.data(SourceLocation(file: url.path), "content does not match SHA256SUMS (file changed or truncated)")
            }
            files.append(ReleaseFile(path: path, url: url, sha256: hash, size: size))
        }
        let (sumsHash, sumsSize) = try hashFile(sumsURL)
        files.sort { rank($0.path) == rank($1.path) ? $0.path < $1.path : rank($0.path) < rank($1.path) }
        files.append(ReleaseFile(path: "SHA256SUMS", url: sumsURL, sha256: sumsHash, size: sumsSize))
        // The signature cannot be listed in the sums it signs; it travels right after them,
        // so every target that has the release can prove who made it.
        let signatureURL = directory.appendingPathComponent(signatureName)
        if FileManager.default.fileExists(atPath: signatureURL.path) {
            let (hash, size) = try hashFile(signatureURL)
            files.append(ReleaseFile(path: signatureName, url: signatureURL, sha256: hash, size: size))
        }
        return files
    }

    /// Loose files (the open-data list): hashed here.
    static func loose(_ urls: [URL]) throws -> [ReleaseFile] {
        try urls.map { url in
            let (hash, size) = try hashFile(url)
            return ReleaseFile(path: url.lastPathComponent, url: url, sha256: hash, size: size)
        }
    }

    private static func rank(_ path: String) -> Int {
        if path.hasPrefix("data/") { return 0 }
        if path.hasSuffix(".zip") { return 1 }
        if path == "datapackage.json" { return 3 }
        return 2
    }

    static func hashFile(_ url: URL) throws -> (String, Int64) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw ODPError.io(url.path, "cannot read") }
        defer { try? handle.close() }
        var hasher = StreamingSHA256()
        var size: Int64 = 0
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            size += Int64(chunk.count)
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return (hasher.finalizeHex(), size)
    }
}
