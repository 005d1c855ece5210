import Foundation
import ODPCore

/// Who signed a release, as release.json and datapackage.json state it (`signature`) and the
/// open list and DCAT repeat it, so a researcher can find the key to check `SHA256SUMS.sig`
/// with without asking the publisher.
public struct ReleaseSignature: Sendable, Hashable {
    public static let algorithm = "Ed25519"
    /// The Ed25519 public key, 64 lowercase hex characters.
    public var publicKey: String

    public init(publicKey: String) { self.publicKey = publicKey }

    /// SHA-256 of the 32 key bytes, hex: short enough to read out on the phone.
    public var fingerprint: String { SHA256Hex.of(ReleaseSigning.parsePublicKey(publicKey) ?? []) }

    /// The `signature` object of release.json and datapackage.json.
    var json: [String: Any] {
        ["algorithm": Self.algorithm, "public_key": publicKey, "public_key_sha256": fingerprint,
         "file": ReleaseChecksums.signatureName, "signs": ReleaseChecksums.sumsName]
    }

    /// Who signed the release in `directory`, from its release.json (nil when unsigned).
    static func of(release directory: URL) -> ReleaseSignature? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("release.json").path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return parse(object["signature"])
    }

    /// Reads the `signature` object of a release.json (nil when the release is unsigned).
    static func parse(_ value: Any?) -> ReleaseSignature? {
        guard let object = value as? [String: Any], object["algorithm"] as? String == algorithm,
              let key = object["public_key"] as? String, ReleaseSigning.parsePublicKey(key) != nil else { return nil }
        return ReleaseSignature(publicKey: key)
    }
}
