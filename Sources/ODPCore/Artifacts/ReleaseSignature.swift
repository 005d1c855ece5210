import Foundation

/// Who signed a release, as release.json and datapackage.json state it (`signature`) and the
/// open list and DCAT repeat it, so a researcher can find the key to check `SHA256SUMS.sig`
/// with without asking the publisher. A release whose metadata has one must carry the file.
public struct ReleaseSignature: Codable, Sendable, Hashable {
    public static let algorithm = "Ed25519"
    /// The Ed25519 public key, 64 lowercase hex characters.
    public var publicKey: String

    public init(publicKey: String) { self.publicKey = publicKey }

    /// SHA-256 of the 32 key bytes, hex: short enough to read out on the phone.
    public var fingerprint: String { SHA256Hex.of(SHA256Hex.bytes(hex: publicKey) ?? []) }

    enum CodingKeys: String, CodingKey {
        case algorithm, file, signs
        case publicKey = "public_key"
        case fingerprint = "public_key_sha256"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let algorithm = try c.decode(String.self, forKey: .algorithm)
        guard algorithm == Self.algorithm else {
            throw DecodingError.dataCorruptedError(forKey: .algorithm, in: c, debugDescription: "unknown signature algorithm \(algorithm)")
        }
        publicKey = try c.decode(String.self, forKey: .publicKey)
        guard SHA256Hex.bytes(hex: publicKey)?.count == 32 else {
            throw DecodingError.dataCorruptedError(forKey: .publicKey, in: c, debugDescription: "not a 32-byte hex public key")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.algorithm, forKey: .algorithm)
        try c.encode(publicKey, forKey: .publicKey)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(SHA256Sums.signatureName, forKey: .file)
        try c.encode(SHA256Sums.fileName, forKey: .signs)
    }
}
