import Crypto
import Foundation
import ODPCore

/// The result of checking a release folder or zip against its SHA256SUMS.
public struct VerifyResult: Sendable {
    public enum Signature: Sendable, Hashable {
        /// No SHA256SUMS.sig in the release.
        case absent
        /// A signature exists but no public key was given.
        case notChecked
        case valid
        case invalid
    }

    /// Files whose SHA-256 matched, by relative path.
    public var verified: [String]
    /// `path: reason` for each mismatch, missing file or unlisted file.
    public var failures: [String]
    public var signature: Signature

    public var isValid: Bool { failures.isEmpty && signature != .invalid }
}

/// Checks a release: every file listed in SHA256SUMS has that hash, no file is unlisted,
/// and the Ed25519 signature is valid when present and a key is given.
public enum ReleaseVerifier {
    /// - Parameters:
    ///   - path: a release directory or a package zip (entries under one top folder).
    ///   - publicKey: the 32-byte Ed25519 public key. When given, a release without
    ///     SHA256SUMS.sig fails (`signature == .absent` with a failure).
    /// - Throws: when the path cannot be read or has no SHA256SUMS.
    public static func verify(path: URL, publicKey: [UInt8]? = nil) throws -> VerifyResult {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDir) else { throw ODPError.io(path.path, "不存在（does not exist）") }
        var actual: [String: String] = [:]
        var unsafeEntries: [String] = []
        var sums: Data?
        var signature: Data?
        if isDir.boolValue {
            for file in try ReleaseFiles.list(path) {
                let url = path.appendingPathComponent(file)
                if file == SHA256Sums.fileName { sums = FileManager.default.contents(atPath: url.path); continue }
                if file == SHA256Sums.signatureName { signature = FileManager.default.contents(atPath: url.path); continue }
                actual[file] = try hashFile(url)
            }
        } else {
            let zip = try ZipReader(url: path)
            for entry in zip.entries where !isSafeEntryName(entry.name) {
                unsafeEntries.append("\(entry.name): 不安全的压缩包条目名（绝对路径或含 ..），解压可能写到目标文件夹之外")
            }
            for entry in zip.entries where isSafeEntryName(entry.name) {
                guard let slash = entry.name.firstIndex(of: "/") else { continue }
                let file = String(entry.name[entry.name.index(after: slash)...])
                if file.isEmpty || file.hasSuffix("/") { continue }
                if file == SHA256Sums.fileName || file == SHA256Sums.signatureName {
                    var bytes = Data()
                    try zip.read(entry) { bytes.append(contentsOf: $0) }
                    if file == SHA256Sums.fileName { sums = bytes } else { signature = bytes }
                    continue
                }
                var hasher = SHA256()
                do { try zip.read(entry) { hasher.update(bufferPointer: $0) } } catch {
                    actual[file] = "无法读取（unreadable）：\(ODPError.from(error).message)"
                    continue
                }
                actual[file] = SHA256Hex.hex(Array(hasher.finalize()))
            }
        }
        guard let sums else { throw ODPError.io(path.path, "版本中没有 SHA256SUMS（no SHA256SUMS）") }
        var result = VerifyResult(verified: [], failures: unsafeEntries, signature: .absent)
        if isDir.boolValue { checkFileDropMarkers(in: path, actual: &actual, result: &result) }
        var listed = Set<String>()
        for entry in try SHA256Sums.parse(sums, file: path.appendingPathComponent(SHA256Sums.fileName).path).entries {
            let (file, expected) = (entry.path, entry.sha256)
            listed.insert(file)
            guard let got = actual[file] else { result.failures.append("\(file): 列在 SHA256SUMS 中但文件缺失（listed in SHA256SUMS but missing）"); continue }
            if got == expected { result.verified.append(file) } else {
                result.failures.append(got.hasPrefix("无法读取（unreadable）：") ? "\(file): \(got)" : "\(file): SHA-256 不符（SHA-256 mismatch），文件被改动或损坏")
            }
        }
        for file in actual.keys.sorted() where !listed.contains(file) {
            result.failures.append("\(file): 未列在 SHA256SUMS 中（not listed in SHA256SUMS）")
        }
        if let signature {
            if let publicKey {
                result.signature = ReleaseSigning.verify(signatureFile: signature, message: sums, publicKey: publicKey) ? .valid : .invalid
                if result.signature == .invalid {
                    result.failures.append("\(SHA256Sums.signatureName): 签名无效（不是这把公钥签的，或 SHA256SUMS 被改动过）")
                }
            } else {
                result.signature = .notChecked
            }
        } else if publicKey != nil {
            // Asking for a key check and getting none must not read as success: a stripped
            // signature is exactly what an attacker who replaced the files would leave.
            result.failures.append("\(SHA256Sums.signatureName): 缺少签名文件，无法用给出的公钥验证发布方")
        }
        return result
    }

    /// A dir, SFTP or FTP target's copy holds `manifest.json` and `_ODP_DONE` beside the
    /// release. They are not in SHA256SUMS (they are written after it); instead `_ODP_DONE`
    /// must name the manifest's SHA-256, as the target wrote it.
    private static func checkFileDropMarkers(in folder: URL, actual: inout [String: String], result: inout VerifyResult) {
        guard let manifestHash = actual[FileDropMarkers.manifest], actual[FileDropMarkers.done] != nil else { return }
        let done = FileManager.default.contents(atPath: folder.appendingPathComponent(FileDropMarkers.done).path)
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        actual[FileDropMarkers.manifest] = nil
        actual[FileDropMarkers.done] = nil
        if done == manifestHash {
            result.verified += [FileDropMarkers.manifest, FileDropMarkers.done]
        } else {
            result.failures.append("\(FileDropMarkers.done): 与 \(FileDropMarkers.manifest) 的 SHA-256 不符")
        }
    }

    /// Relative, forward-slash, without `..` components: what unzip writes inside its folder.
    static func isSafeEntryName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("/") && !name.contains("\\") && !name.split(separator: "/").contains("..")
            && !(name.count > 1 && name.dropFirst().hasPrefix(":"))
    }

    static func hashFile(_ url: URL) throws -> String {
        guard let h = FileHandle(forReadingAtPath: url.path) else { throw ODPError.io(url.path, "无法读取（cannot read）") }
        defer { try? h.close() }
        var hasher = SHA256()
        while let block = try h.read(upToCount: 4 << 20), !block.isEmpty { hasher.update(data: block) }
        return SHA256Hex.hex(Array(hasher.finalize()))
    }
}
