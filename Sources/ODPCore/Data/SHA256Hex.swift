import Crypto

/// SHA-256 as lowercase hex, for content hashes, definition hashes and checksums.
public enum SHA256Hex {
    public static func of(_ bytes: some Sequence<UInt8>) -> String {
        hex(Array(SHA256.hash(data: Array(bytes))))
    }

    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in digest { out.append(table[Int(b >> 4)]); out.append(table[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Incremental SHA-256 over streamed output.
public struct StreamingSHA256 {
    private var hasher = SHA256()
    public init() {}
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
    public func finalizeHex() -> String { SHA256Hex.hex(Array(hasher.finalize())) }
}
