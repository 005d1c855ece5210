/// A fast deterministic 64-bit hash of bytes, for change detection (rows, primary keys) and
/// duplicate detection, not for security (releases carry SHA-256 sums). Deterministic,
/// unlike `Hasher`, because fingerprints are compared across runs; reads 8 bytes at a
/// time. At 64 bits, a million distinct keys collide with probability about 3·10⁻⁸.
public enum Fingerprint {
    public static let seed: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let m = a.multipliedFullWidth(by: b)
        return m.high ^ m.low
    }

    @inline(__always)
    public static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt64 = seed) -> UInt64 {
        var h = seed ^ (UInt64(truncatingIfNeeded: n) &* 0xA076_1D64_78BD_642F)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = mix(h ^ w, 0xE703_7ED1_A0B4_28DB)
            i += 8
        }
        if i < n {
            h = mix(h ^ tail(raw + i, n - i), 0x8EBC_6AF0_9C88_C6E3)
        }
        return mix(h, 0x5899_65CC_7537_4CC3)
    }

    /// The last 1–7 bytes as a little-endian word, byte k at bits 8k, read with at most
    /// three loads instead of a byte loop (short cells are all tail). Overlapping loads put
    /// the same byte at the same place twice, which `|` leaves alone.
    @inline(__always)
    static func tail(_ p: UnsafeRawPointer, _ r: Int) -> UInt64 {
        if r >= 4 {
            let low = UInt64(p.loadUnaligned(as: UInt32.self).littleEndian)
            let high = UInt64(p.loadUnaligned(fromByteOffset: r - 4, as: UInt32.self).littleEndian)
            return low | high << UInt64(8 * (r - 4))
        }
        let first = UInt64(p.load(as: UInt8.self)), middle = UInt64(p.load(fromByteOffset: r / 2, as: UInt8.self))
        let last = UInt64(p.load(fromByteOffset: r - 1, as: UInt8.self))
        return first | middle << UInt64(8 * (r / 2)) | last << UInt64(8 * (r - 1))
    }

    @inline(__always)
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = seed) -> UInt64 {
        guard let base = bytes.baseAddress else { return hash(UnsafePointer(bitPattern: 1)!, 0, seed: seed) }
        return hash(base, bytes.count, seed: seed)
    }

    public static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0) }
    }

    /// Folds one cell's hash into a row hash; the order of cells matters.
    @inline(__always)
    public static func combine(_ h: UInt64, _ cell: UInt64) -> UInt64 {
        mix(h ^ cell, 0x1D8E_4E27_C47D_124F) &+ cell
    }

    /// Folds a cell into a running row/key fingerprint; null differs from empty text.
    @inline(__always)
    public static func combine(_ h: UInt64, _ cell: UnsafeBufferPointer<UInt8>?) -> UInt64 {
        guard let cell else { return mix(h ^ 0x1F, 0xE703_7ED1_A0B4_28DB) }
        return mix(h ^ hash(cell), 0xE703_7ED1_A0B4_28DB) &+ 1
    }
}
