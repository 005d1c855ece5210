import ODPCore

/// HMAC-SHA256 (RFC 2104, FIPS 180-4) specialised for pseudonyms: the key block and the
/// key id are absorbed once, so each value costs two SHA-256 compressions on the stack
/// (`PortableSHA256`).
/// swift-crypto's `HMAC` copies a heap-allocated digest context per value, which measured
/// about 1–5 µs per cell; this is checked against it in the tests.
struct PseudonymHMAC {
    /// Recorded in `privacy-report.json` next to the key id. 1 wrote the MAC in hex; hex
    /// holds digit runs that pass Luhn and read as card or phone numbers to any scanner (an
    /// independent scan of one release found 12 "cards", all inside pseudonyms). 2 writes it
    /// in `alphabet`, so a pseudonym holds no digit at all.
    static let formatVersion = 2

    /// One letter per 4 bits (the 16 bytes shown by default keep 128 bits in 32 letters, as
    /// hex did). Consonants only, without `l`: no vowel, so no words, and nothing that reads
    /// as a digit. Letter i stands for hex digit i, so a version-1 pseudonym maps to its
    /// version-2 form letter by letter.
    static let alphabet: [UInt8] = Array("bcdfghjkmnprstvz".utf8)

    /// Appends `bytes` in `alphabet`, high nibble first.
    static func appendLetters(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        alphabet.withUnsafeBufferPointer { a in
            for b in bytes {
                out.append(a[Int(b >> 4)]); out.append(a[Int(b & 15)])
            }
        }
    }

    /// State after the ipad block, and after the opad block.
    private let innerState: [UInt32]
    private let outerState: [UInt32]
    /// The key id and separator, hashed in front of every value (a new key id rotates all pseudonyms).
    private let prefix: [UInt8]

    init(key: [UInt8], keyID: String) {
        var block = key.count > 64 ? PortableSHA256.digest(key) : key
        block += Array(repeating: 0, count: 64 - block.count)
        var inner = PortableSHA256.initialState
        var outer = PortableSHA256.initialState
        inner.withUnsafeMutableBufferPointer { st in
            block.map { $0 ^ 0x36 }.withUnsafeBufferPointer { PortableSHA256.compress(st.baseAddress!, $0.baseAddress!) }
        }
        outer.withUnsafeMutableBufferPointer { st in
            block.map { $0 ^ 0x5c }.withUnsafeBufferPointer { PortableSHA256.compress(st.baseAddress!, $0.baseAddress!) }
        }
        innerState = inner
        outerState = outer
        prefix = Array(keyID.utf8) + [0x1F]
    }

    /// Writes the 32-byte MAC of `prefix ‖ value` into `mac`.
    func mac(_ value: UnsafeBufferPointer<UInt8>, into mac: UnsafeMutablePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8) { state in
            for i in 0..<8 { state[i] = innerState[i] }
            PortableSHA256.finish(state: state.baseAddress!, already: 64, parts: prefix, value, into: mac)
            for i in 0..<8 { state[i] = outerState[i] }
            PortableSHA256.finish(state: state.baseAddress!, already: 64, parts: [], UnsafeBufferPointer(start: mac, count: 32), into: mac)
        }
    }
}
