/// SHA-256 (FIPS 180-4) in Swift, for what ODPCore hashes itself (definition hashes, audit
/// lines, manifests: small inputs) and for the pseudonym HMAC, which keeps the compression
/// state between values. Large files are hashed with swift-crypto where they are written
/// (ODPRelease's `OutputFile`, ODPPublish's `StreamingSHA256`), which uses the CPU's SHA
/// instructions; ODPCore does not depend on it.
public enum PortableSHA256 {
    /// SHA-256 of a whole message.
    public static func digest(_ message: [UInt8]) -> [UInt8] {
        var state = initialState
        var out = [UInt8](repeating: 0, count: 32)
        state.withUnsafeMutableBufferPointer { st in
            message.withUnsafeBufferPointer { m in out.withUnsafeMutableBufferPointer { finish(state: st.baseAddress!, already: 0, parts: [], m, into: $0.baseAddress!) } }
        }
        return out
    }

    /// Continues from `state` (which has absorbed `already` bytes) with `head ‖ tail`, pads,
    /// writes the 32-byte digest.
    public static func finish(state: UnsafeMutablePointer<UInt32>, already: Int, parts head: [UInt8], _ tail: UnsafeBufferPointer<UInt8>,
                             into out: UnsafeMutablePointer<UInt8>) {
        let length = head.count + tail.count
        let total = (length + 9 + 63) / 64 * 64
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { buf in
            var k = 0
            for b in head { buf[k] = b; k += 1 }
            for b in tail { buf[k] = b; k += 1 }
            buf[k] = 0x80; k += 1
            while k < total - 8 { buf[k] = 0; k += 1 }
            let bits = UInt64(already + length) * 8
            for i in 0..<8 { buf[total - 1 - i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
            var offset = 0
            while offset < total { compress(state, buf.baseAddress! + offset); offset += 64 }
        }
        for i in 0..<8 {
            let v = state[i]
            out[i * 4] = UInt8(v >> 24); out[i * 4 + 1] = UInt8((v >> 16) & 0xff)
            out[i * 4 + 2] = UInt8((v >> 8) & 0xff); out[i * 4 + 3] = UInt8(v & 0xff)
        }
    }

    public static let initialState: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]

    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Allocated once, never freed: read in the compression loop without reference counting.
    @usableFromInline nonisolated(unsafe) static let roundConstants: UnsafePointer<UInt32> = {
        let p = UnsafeMutablePointer<UInt32>.allocate(capacity: 64)
        p.initialize(from: k, count: 64)
        return UnsafePointer(p)
    }()

    @inlinable @inline(__always) static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// One 64-byte block into `state`. Inlinable: the HMAC of every pseudonym calls it twice.
    @inlinable
    public static func compress(_ state: UnsafeMutablePointer<UInt32>, _ block: UnsafePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                w[i] = UInt32(block[i * 4]) << 24 | UInt32(block[i * 4 + 1]) << 16 | UInt32(block[i * 4 + 2]) << 8 | UInt32(block[i * 4 + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var a = state[0], b = state[1], c = state[2], d = state[3]
            var e = state[4], f = state[5], g = state[6], h = state[7]
            do {
                let k = roundConstants
                for i in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
            state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
        }
    }
}
