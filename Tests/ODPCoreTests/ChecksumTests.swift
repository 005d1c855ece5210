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

    /// The standards' own formulation, weight tables and all, against the checksums as
    /// implemented (Horner's rule), over 20,000 generated bodies and every check character.
    @Test("GB 11643 and GB 32100 agree with the standards' weighted sums")
    func weightedSums() {
        let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let usccChars = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var accepted = (id: 0, uscc: 0)
        for _ in 0..<10_000 {
            let digits = (0..<17).map { _ in next(10) }
            let idCheck = Array("10X98765432")[zip(digits, idWeights).reduce(0) { $0 + $1.0 * $1.1 } % 11]
            for c in Array("0123456789X") {
                let id = digits.map(String.init).joined() + String(c)
                let valid = Checksums.check(id, Checksums.gb11643)
                #expect(valid == (c == idCheck), "\(id)")
                if valid { accepted.id += 1 }
            }
            let values = (0..<17).map { _ in next(31) }
            let usccCheck = usccChars[(31 - zip(values, usccWeights).reduce(0) { $0 + $1.0 * $1.1 } % 31) % 31]
            let body = String(values.map { usccChars[$0] })
            #expect(Checksums.gb32100CheckCharacter(body) == usccCheck)
            for c in usccChars + ["I", "Z"] {
                let valid = Checksums.check(body + String(c), Checksums.gb32100)
                #expect(valid == (c == usccCheck), "\(body)\(c)")
                if valid { accepted.uscc += 1 }
            }
        }
        #expect(accepted.id == 10_000 && accepted.uscc == 10_000)
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
