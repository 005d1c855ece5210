/// A deterministic 64-bit hash of bytes. Deterministic (unlike `Hasher`) because category
/// fingerprints are written into quality-report.json and compared with the next run.
/// At 64 bits, a million distinct keys collide with probability about 3·10⁻⁸.
enum Fingerprint {
    static let seed: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = seed) -> UInt64 {
        var h = seed ^ UInt64(bytes.count) &* 0xA076_1D64_78BD_642F
        let n = bytes.count
        var i = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                h = mix(h ^ w, 0xE703_7ED1_A0B4_28DB)
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { tail |= UInt64(base[i]) << shift; shift += 8; i += 1 }
            h = mix(h ^ tail, 0x8EBC_6AF0_9C88_C6E3)
        }
        return mix(h, 0x5899_65CC_7537_4CC3) ^ h
    }

    static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0) }
    }

    /// Combines a cell into a running row/key fingerprint; null differs from empty text.
    @inline(__always)
    static func combine(_ h: UInt64, _ cell: UnsafeBufferPointer<UInt8>?) -> UInt64 {
        guard let cell else { return mix(h ^ 0x1F, 0xE703_7ED1_A0B4_28DB) }
        return mix(h ^ hash(cell), 0xE703_7ED1_A0B4_28DB) &+ 1
    }
}

/// An open-addressing set of 64-bit fingerprints: 8 bytes per slot, at most half full, so
/// duplicate detection costs about 16 bytes per distinct key and never keeps the rows.
struct FingerprintSet {
    private var slots: [UInt64]
    private var hasZero = false
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
    }

    /// Inserts; returns false when the fingerprint was already present.
    @inline(__always)
    mutating func insert(_ h: UInt64) -> Bool {
        if h == 0 {
            if hasZero { return false }
            hasZero = true; count += 1; return true
        }
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        return slots.withUnsafeMutableBufferPointer { s in
            while true {
                let v = s[i]
                if v == h { return false }
                if v == 0 { s[i] = h; count += 1; return true }
                i = (i + 1) & mask
            }
        }
    }

    func contains(_ h: UInt64) -> Bool {
        if h == 0 { return hasZero }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let v = slots[i]
            if v == h { return true }
            if v == 0 { return false }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        let zero = hasZero
        count = 0
        hasZero = false
        for v in old where v != 0 { _ = insert(v) }
        if zero { hasZero = true; count += 1 }
    }
}
