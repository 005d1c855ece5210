import ODPCore
import Testing

/// ODPCore hashes definitions, audit lines and manifests with its own SHA-256; it must agree
/// with FIPS 180-4 (the vectors of FIPS 180-2 appendix B), across block boundaries too.
@Suite("SHA256Hex")
struct SHA256HexTests {
    @Test("the FIPS test vectors, one and two blocks")
    func vectors() {
        #expect(SHA256Hex.of([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hex.of(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hex.of(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("a million a's: many blocks")
    func long() {
        #expect(SHA256Hex.of([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
