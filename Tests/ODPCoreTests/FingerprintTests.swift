import Testing
import ODPCore

@Suite("Fingerprints")
struct FingerprintTests {
    /// The hash as first written, reading the tail a byte at a time. Fingerprints are kept
    /// between runs (profiles, row hashes), so a faster reading must give the same values.
    func reference(_ bytes: [UInt8]) -> UInt64 {
        let n = bytes.count
        var h = Fingerprint.seed ^ (UInt64(n) &* 0xA076_1D64_78BD_642F)
        var i = 0
        while i + 8 <= n {
            var w: UInt64 = 0
            for k in 0..<8 { w |= UInt64(bytes[i + k]) << UInt64(8 * k) }
            h = Fingerprint.mix(h ^ w, 0xE703_7ED1_A0B4_28DB)
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { w |= UInt64(bytes[i]) << shift; shift += 8; i += 1 }
            h = Fingerprint.mix(h ^ w, 0x8EBC_6AF0_9C88_C6E3)
        }
        return Fingerprint.mix(h, 0x5899_65CC_7537_4CC3)
    }

    @Test("every length from 0 to 40 bytes hashes as the byte-at-a-time definition")
    func matchesReference() {
        var state: UInt64 = 7
        for n in 0...40 {
            for _ in 0..<50 {
                let bytes = (0..<n).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1
                    return UInt8(truncatingIfNeeded: state >> 56)
                }
                let h = bytes.withUnsafeBufferPointer { Fingerprint.hash($0) }
                #expect(h == reference(bytes), "length \(n)")
            }
        }
    }

    @Test("values are the ones earlier releases recorded")
    func pinned() {
        #expect(Fingerprint.hash("") == reference([]))
        #expect(Fingerprint.hash("福州市") == 2_908_050_844_971_955_545)
        #expect(Fingerprint.hash("91350100M000100Y43") == 10_757_993_338_012_598_078)
    }
}
