import Foundation
import ODPCore

/// One local file to publish: a release file (path, size and the hash the release recorded)
/// and where it is on this machine.
struct UploadFile: Sendable, Hashable {
    var file: ReleaseFile
    var url: URL

    /// Path inside the release, `/`-separated.
    var path: String { file.path }
    var sha256: String { file.sha256 }
    var size: Int64 { Int64(file.bytes) }
    var name: String { (path as NSString).lastPathComponent }

    /// CKAN `format` and HTTP content type, by extension.
    var format: String {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": return "CSV"
        case "json": return "JSON"
        case "parquet": return "Parquet"
        case "sqlite": return "SQLite"
        case "jsonld": return "JSON-LD"
        case "md": return "Markdown"
        case "html": return "HTML"
        case "zip": return "ZIP"
        case "xlsx": return "XLSX"
        default: return path.hasSuffix(SHA256Sums.fileName) || path.hasSuffix(SHA256Sums.signatureName) ? "TXT" : "BIN"
        }
    }

    /// The files of a complete release, checked against its SHA256SUMS while streaming, so a
    /// truncated or edited release is refused before anything is uploaded. Stable order: data
    /// first, then descriptors, SHA256SUMS, then SHA256SUMS.sig when release.json says the
    /// release is signed (the signature cannot be listed in the sums it signs; it travels right
    /// after them, so every target that has the release can prove who made it).
    ///
    /// ## Errors
    /// No release.json or SHA256SUMS (an incomplete release); a file that does not match; a
    /// signed release without its signature, or a signature the release does not declare.
    static func release(_ directory: URL) throws -> [UploadFile] {
        guard let metadata = try ReleaseMetadata.read(release: directory) else {
            throw ODPError.io(directory.appendingPathComponent(ReleaseMetadata.fileName).path,
                              "发布缺少 release.json，只发布完整的版本 (release has no release.json; only complete releases are published)")
        }
        let sumsURL = directory.appendingPathComponent(SHA256Sums.fileName)
        guard let sums = try SHA256Sums.read(release: directory) else {
            throw ODPError.io(sumsURL.path, "版本中没有可读的 SHA256SUMS（no readable SHA256SUMS）；只上传完整的版本")
        }
        var files: [UploadFile] = try sums.entries.map { entry in
            let url = directory.appendingPathComponent(entry.path)
            let (hash, size) = try hashFile(url)
            guard hash == entry.sha256 else {
                throw ODPError.data(SourceLocation(file: url.path), "文件内容与 SHA256SUMS 不符（does not match）：文件被改动或截断")
            }
            return UploadFile(file: ReleaseFile(path: entry.path, bytes: Int(size), sha256: hash), url: url)
        }
        files.sort { rank($0.path) == rank($1.path) ? $0.path < $1.path : rank($0.path) < rank($1.path) }
        files.append(try local(sumsURL, path: SHA256Sums.fileName))
        let signatureURL = directory.appendingPathComponent(SHA256Sums.signatureName)
        let hasSignature = FileManager.default.fileExists(atPath: signatureURL.path)
        switch (metadata.isSigned, hasSignature) {
        case (true, true): files.append(try local(signatureURL, path: SHA256Sums.signatureName))
        case (true, false):
            throw ODPError.io(signatureURL.path, "release.json 声明该版本已签名，但缺少 SHA256SUMS.sig (the release is signed but its signature file is missing)")
        case (false, true):
            throw ODPError.io(signatureURL.path, "release.json 未声明签名，却有 SHA256SUMS.sig (a signature the release does not declare)")
        case (false, false): break
        }
        return files
    }

    /// Loose files (the open-data list): hashed here.
    static func loose(_ urls: [URL]) throws -> [UploadFile] {
        try urls.map { try local($0, path: $0.lastPathComponent) }
    }

    private static func local(_ url: URL, path: String) throws -> UploadFile {
        let (hash, size) = try hashFile(url)
        return UploadFile(file: ReleaseFile(path: path, bytes: Int(size), sha256: hash), url: url)
    }

    private static func rank(_ path: String) -> Int {
        if path.hasPrefix("data/") { return 0 }
        if path.hasSuffix(".zip") { return 1 }
        if path == "datapackage.json" { return 3 }
        return 2
    }

    static func hashFile(_ url: URL) throws -> (String, Int64) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw ODPError.io(url.path, "无法读取（cannot read）") }
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
