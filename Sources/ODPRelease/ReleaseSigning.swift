import Crypto
import Foundation
import ODPCore

/// Ed25519 signing of SHA256SUMS.
///
/// Key file: the 32-byte private seed as 64 hex characters (whitespace ignored) — what
/// `generateSigningKey()` returns. `SHA256SUMS.sig` holds the 64-byte signature over the
/// exact bytes of SHA256SUMS, Base64-encoded, followed by a newline. Verify with the public
/// key (`publicKey(seed:)`, 32 bytes, hex).
public enum ReleaseSigning {
    /// A new random seed as hex, for a key file. Keep it secret; never commit it.
    public static func generateSigningKey() -> String {
        SHA256Hex.hex(Curve25519.Signing.PrivateKey().rawRepresentation)
    }

    /// Reads a key file (64 hex characters, or Base64 of 32 bytes).
    public static func loadKey(from url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw ODPError.io(url.path, "无法读取签名密钥文件（signing key）")
        }
        guard let key = parseKey(text) else { throw ODPError.io(url.path, "签名密钥应为 32 字节种子的十六进制（64 个字符）或 Base64 文本") }
        return key
    }

    public static func parseKey(_ text: String) -> [UInt8]? {
        let t = text.filter { !$0.isWhitespace }
        if t.count == 64, let bytes = SHA256Hex.bytes(hex: t) { return bytes }
        if let d = Data(base64Encoded: t), d.count == 32 { return Array(d) }
        return nil
    }

    /// A public key written as 64 hex characters (what `publicKey(seed:)` returns), for `ReleaseVerifier`.
    public static func parsePublicKey(_ hex: String) -> [UInt8]? {
        let bytes = SHA256Hex.bytes(hex: hex.filter { !$0.isWhitespace })
        return bytes?.count == 32 ? bytes : nil
    }

    /// The public key for a seed, hex.
    public static func publicKey(seed: [UInt8]) throws -> String {
        SHA256Hex.hex(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation)
    }

    /// The names `generateKeyPair(into:)` writes.
    public static let privateKeyName = "signing.key"
    public static let publicKeyName = "signing.pub"

    /// Writes a new key pair into `directory`: `signing.key` (the seed, hex, mode 0600) and
    /// `signing.pub` (the public key, hex). What `odp keys generate` does.
    ///
    /// ## Edge behaviour
    /// Refuses when either file exists: overwriting a signing key would make every release
    /// signed with it unverifiable against the key researchers already have.
    public static func generateKeyPair(into directory: URL) throws -> (privateKey: URL, publicKey: URL) {
        let secret = directory.appendingPathComponent(privateKeyName)
        let public_ = directory.appendingPathComponent(publicKeyName)
        for url in [secret, public_] where FileManager.default.fileExists(atPath: url.path) {
            throw ODPError.usage("\(url.path) 已存在，不会覆盖：换一个 --out 目录，或先把旧密钥移走")
        }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ODPError.io(directory.path, "无法创建目录：\(error.localizedDescription)")
        }
        let seed = Array(Curve25519.Signing.PrivateKey().rawRepresentation)
        // O_EXCL: a file that appeared since the check above is still not overwritten.
        try createExclusive(secret, Data((SHA256Hex.hex(seed) + "\n").utf8), mode: 0o600)
        do { try createExclusive(public_, Data((try publicKey(seed: seed) + "\n").utf8), mode: 0o644) } catch {
            unlink(secret.path)
            throw error
        }
        return (secret, public_)
    }

    private static func createExclusive(_ url: URL, _ data: Data, mode: mode_t) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw ODPError.io(url.path, "无法创建（\(String(cString: strerror(errno)))），不会覆盖已有文件") }
        defer { close(fd) }
        // The umask may have narrowed the mode; the key file must be exactly owner-only.
        fchmod(fd, mode)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else {
            unlink(url.path)
            throw ODPError.io(url.path, "写入失败：\(String(cString: strerror(errno)))")
        }
    }

    static func sign(_ message: Data, seed: [UInt8]) throws -> Data {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        let signature = try key.signature(for: message)
        return Data((signature.base64EncodedString() + "\n").utf8)
    }

    static func verify(signatureFile: Data, message: Data, publicKey: [UInt8]) -> Bool {
        guard let text = String(data: signatureFile, encoding: .utf8),
              let signature = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
