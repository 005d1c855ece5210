import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Checksums, signature and verification")
struct IntegrityTests {
    func flipByte(_ url: URL, at offset: Int = 10) throws {
        var data = try Data(contentsOf: url)
        data[offset] ^= 0x01
        try data.write(to: url)
    }

    @Test("SHA256SUMS lists every other file sorted and passes sha256sum -c; a flipped byte fails")
    func sha256sum() throws {
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory())
        let sums = Fixture.read(outcome.directory.appendingPathComponent("SHA256SUMS"))
        let paths = sums.split(separator: "\n").map { String($0.split(separator: " ", maxSplits: 1)[1].dropFirst()) }
        #expect(paths == ["CITATION.cff", "README.md", "data/enterprises.csv", "data/enterprises.json", "datacite.json", "datapackage.json", "privacy-report.json", "provenance.json",
                          "quality-report.html", "quality-report.json", "release.json"])
        guard let ok = try Fixture.run("sha256sum", ["-c", "SHA256SUMS"], in: outcome.directory) else {
            Issue.record("sha256sum (coreutils) is missing"); return
        }
        #expect(ok.status == 0, "\(ok.output)")
        try flipByte(outcome.directory.appendingPathComponent("data/enterprises.csv"))
        let bad = try #require(try Fixture.run("sha256sum", ["-c", "SHA256SUMS"], in: outcome.directory))
        #expect(bad.status != 0)
        #expect(bad.output.contains("data/enterprises.csv: FAILED"))
    }

    @Test("the verifier accepts a release folder and its zip, and names the file with a flipped byte")
    func verifier() throws {
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory())
        let dir = try ReleaseVerifier.verify(path: outcome.directory)
        #expect(dir.isValid && dir.failures.isEmpty && dir.verified.count == 11 && dir.signature == .absent)
        let zip = try ReleaseVerifier.verify(path: outcome.zip!)
        #expect(zip.isValid && zip.verified.count == 11, "\(zip.failures)")

        try flipByte(outcome.directory.appendingPathComponent("README.md"))
        let broken = try ReleaseVerifier.verify(path: outcome.directory)
        #expect(!broken.isValid)
        #expect(broken.failures == ["README.md: SHA-256 不符（SHA-256 mismatch），文件被改动或损坏"])

        try Data("x".utf8).write(to: outcome.directory.appendingPathComponent("extra.txt"))
        #expect(try ReleaseVerifier.verify(path: outcome.directory).failures.contains("extra.txt: 未列在 SHA256SUMS 中（not listed in SHA256SUMS）"))
    }

    @Test("a file-drop target's copy verifies: manifest.json and _ODP_DONE are checked against each other")
    func fileDropCopy() throws {
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory())
        let manifest = Data(#"{"files": []}"#.utf8)
        try manifest.write(to: outcome.directory.appendingPathComponent(FileDropMarkers.manifest))
        try Data("\(SHA256Hex.of(manifest))\n".utf8).write(to: outcome.directory.appendingPathComponent(FileDropMarkers.done))
        let copy = try ReleaseVerifier.verify(path: outcome.directory)
        #expect(copy.isValid, "\(copy.failures)")
        #expect(copy.verified.count == 13)
        try Data("0000\n".utf8).write(to: outcome.directory.appendingPathComponent(FileDropMarkers.done))
        #expect(try ReleaseVerifier.verify(path: outcome.directory).failures == ["_ODP_DONE: 与 manifest.json 的 SHA-256 不符"])
    }

    @Test("a zip entry that would unpack outside its folder fails verification")
    func unsafeZipEntries() throws {
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory())
        let top = "enterprises-\(outcome.version)"
        let script = """
        import sys, zipfile
        src = zipfile.ZipFile(sys.argv[1])
        with zipfile.ZipFile(sys.argv[2], "w") as out:
            for info in src.infolist():
                out.writestr(info, src.read(info))
            out.writestr("\(top)/../../evil.sh", "echo owned")
            out.writestr("/etc/evil.conf", "x")
        """
        let hostile = outcome.zip!.deletingLastPathComponent().appendingPathComponent("hostile.zip")
        guard let made = try Fixture.run("python3", ["-c", script, outcome.zip!.path, hostile.path]) else {
            Issue.record("python3 is missing"); return
        }
        #expect(made.status == 0, "\(made.output)")
        #expect(ReleaseVerifier.isSafeEntryName("\(top)/data/enterprises.csv"))
        let result = try ReleaseVerifier.verify(path: hostile)
        #expect(!result.isValid)
        #expect(result.failures.contains { $0.hasPrefix("\(top)/../../evil.sh: 不安全") }, "\(result.failures)")
        #expect(result.failures.contains { $0.hasPrefix("/etc/evil.conf: 不安全") }, "\(result.failures)")
    }

    @Test("a zip entry that inflates beyond its declared size (a zip bomb's lie) fails verification")
    func inflatesBeyondDeclaredSize() throws {
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory())
        var bytes = [UInt8](try Data(contentsOf: outcome.zip!))
        // Declare 10 bytes for the first deflated entry in the central directory.
        var patched = ""
        var p = 0
        while p + 46 < bytes.count, patched.isEmpty {
            defer { p += 1 }
            guard bytes[p] == 0x50, bytes[p + 1] == 0x4B, bytes[p + 2] == 0x01, bytes[p + 3] == 0x02, bytes[p + 10] == 8 else { continue }
            let nameLength = Int(bytes[p + 28]) | Int(bytes[p + 29]) << 8
            patched = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            bytes.replaceSubrange((p + 24)..<(p + 28), with: [10, 0, 0, 0])
        }
        try #require(!patched.isEmpty, "no deflated entry")
        try Data(bytes).write(to: outcome.zip!)
        var problem = ""
        do { problem = try ReleaseVerifier.verify(path: outcome.zip!).failures.joined(separator: "; ") } catch { problem = "\(error)" }
        #expect(problem.contains("inflates beyond its declared size of 10 bytes"), "\(patched): \(problem)")
    }

    @Test("a flipped byte inside the zip fails verification")
    func verifierZipCorruption() throws {
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory())
        let zipURL = outcome.zip!
        // Flip a byte inside the first entry's data (CITATION.cff, stored after its 30-byte header and name).
        let nameLength = "enterprises-\(outcome.version)/CITATION.cff".utf8.count
        try flipByte(zipURL, at: 30 + nameLength + 5)
        let result = try ReleaseVerifier.verify(path: zipURL)
        #expect(!result.isValid)
        #expect(result.failures.contains { $0.hasPrefix("CITATION.cff:") }, "\(result.failures)")
    }

    @Test("SHA256SUMS.sig is a valid Ed25519 signature; a wrong key or edited sums fail")
    func signature() throws {
        let seedHex = ReleaseSigning.generateSigningKey()
        #expect(seedHex.count == 64)
        let seed = try #require(ReleaseSigning.parseKey(seedHex))
        let publicKey = try #require(ReleaseSigning.parsePublicKey(try ReleaseSigning.publicKey(seed: seed)))
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory(), key: seed)
        #expect(FileManager.default.fileExists(atPath: outcome.directory.appendingPathComponent("SHA256SUMS.sig").path))
        #expect(try ReleaseVerifier.verify(path: outcome.directory, publicKey: publicKey).signature == .valid)
        #expect(try ReleaseVerifier.verify(path: outcome.zip!, publicKey: publicKey).signature == .valid)
        #expect(try ReleaseVerifier.verify(path: outcome.directory).signature == .notChecked)
        let other = try #require(SHA256Hex.bytes(hex: try ReleaseSigning.publicKey(seed: ReleaseSigning.parseKey(ReleaseSigning.generateSigningKey())!)))
        let wrong = try ReleaseVerifier.verify(path: outcome.directory, publicKey: other)
        #expect(wrong.signature == .invalid && !wrong.isValid)

        let keyFile = Fixture.temporaryDirectory().appendingPathComponent("signing.key")
        try Data((seed.map { String(format: "%02x", $0) }.joined() + "\n").utf8).write(to: keyFile)
        #expect(try ReleaseSigning.loadKey(from: keyFile) == seed)
        try Data("short".utf8).write(to: keyFile)
        #expect(throws: ODPError.self) { try ReleaseSigning.loadKey(from: keyFile) }
    }
}
