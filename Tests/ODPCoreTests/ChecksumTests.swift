import Testing
import ODPCore

@Suite("Identifier checksums")
struct ChecksumTests {
    @Test("GB 11643 accepts valid IDs, with x or X, and rejects a wrong check digit or length",
          arguments: [("11010519491231002X", true), ("11010519491231002x", true), ("110105194912310021", false),
                      ("11010519491231002", false), ("1101051949123100AX", false)])
    func gb11643(id: String, valid: Bool) {
        #expect(Checksums.check(id, Checksums.gb11643) == valid)
    }

    @Test("the GB 11643 check character is computed from 17 digits")
    func gb11643Check() {
        #expect(Checksums.gb11643CheckCharacter("11010519491231002") == "X")
    }

    @Test("GB 32100 accepts real-format codes and rejects a changed character",
          arguments: [("91350100M000100Y43", true), ("91350100M000100Y44", false), ("91350100M000100Y4", false),
                      ("91350100M000100I43", false)])
    func gb32100(code: String, valid: Bool) {
        #expect(Checksums.check(code, Checksums.gb32100) == valid)
    }

    @Test("a computed GB 32100 check character validates")
    func gb32100RoundTrip() throws {
        let body = "92350102MA2Y3K4P0"
        let check = try #require(Checksums.gb32100CheckCharacter(body))
        #expect(Checksums.check(body + String(check), Checksums.gb32100))
    }

    @Test("GB 11714 organization codes with and without hyphen", arguments: [("D2143569-X", true), ("D2143569X", true), ("D2143569-1", false), ("D214356-X", false)])
    func gb11714Samples(code: String, valid: Bool) {
        #expect(Checksums.check(code, Checksums.gb11714) == valid)
    }

    @Test("GB 11714 check characters round-trip")
    func gb11714RoundTrip() throws {
        let check = try #require(Checksums.gb11714CheckCharacter(ArraySlice(Array("D2143569".utf8))))
        let code = "D2143569-" + String(UnicodeScalar(check))
        #expect(Checksums.check(code, Checksums.gb11714))
        #expect(Checksums.check(code.replacingOccurrences(of: "-", with: ""), Checksums.gb11714))
    }

    @Test("Luhn accepts a valid card number and rejects a changed digit",
          arguments: [("6222021234567890128", true), ("6222021234567890129", false), ("4111111111111111", true), ("4111111111111112", false), ("79927398713", true)])
    func luhn(number: String, valid: Bool) {
        #expect(Checksums.check(number, Checksums.luhn) == valid)
    }
}
