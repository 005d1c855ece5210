/// SHA-256 as lowercase hex, for content hashes, definition hashes and checksums of small
/// inputs (see `PortableSHA256`).
public enum SHA256Hex {
    public static func of(_ bytes: some Sequence<UInt8>) -> String {
        hex(PortableSHA256.digest(Array(bytes)))
    }

    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in digest { out.append(table[Int(b >> 4)]); out.append(table[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
