import Crypto
import ODPCore

/// Incremental SHA-256 over streamed bytes (downloads read back, files being uploaded), with
/// swift-crypto's CPU-accelerated SHA-256.
struct StreamingSHA256 {
    private var hasher = SHA256()
    init() {}
    mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
    mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
    func finalizeHex() -> String { SHA256Hex.hex(Array(hasher.finalize())) }
}
