import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Signature workflow: key pair, signature block, verification without a signature")
struct SignatureWorkflowTests {
    @Test("keys generate writes a 0600 seed and its public key, refuses to overwrite, and the pair verifies a release")
    func keyPairRoundTrip() throws {
        let dir = Fixture.temporaryDirectory().appendingPathComponent("keys")
        let (secretURL, publicURL) = try ReleaseSigning.generateKeyPair(into: dir)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: secretURL.path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
        let seed = try ReleaseSigning.loadKey(from: secretURL)
        let publicText = Fixture.read(publicURL)
        #expect(publicText.trimmingCharacters(in: .whitespacesAndNewlines) == (try ReleaseSigning.publicKey(seed: seed)))
        let publicKey = try #require(ReleaseSigning.parsePublicKey(publicText))

        let outcome = try Fixture.release(root: Fixture.temporaryDirectory(), key: seed)
        #expect(try ReleaseVerifier.verify(path: outcome.directory, publicKey: publicKey).signature == .valid)

        let before = Fixture.read(secretURL)
        #expect(throws: ODPError.self) { try ReleaseSigning.generateKeyPair(into: dir) }
        #expect(Fixture.read(secretURL) == before)
        // Only the public half left behind still blocks a new pair: it would no longer match.
        try FileManager.default.removeItem(at: secretURL)
        #expect(throws: ODPError.self) { try ReleaseSigning.generateKeyPair(into: dir) }
        #expect(!FileManager.default.fileExists(atPath: secretURL.path))
    }

    @Test("with a public key, a release without SHA256SUMS.sig or with a tampered one fails")
    func missingOrTamperedSignature() throws {
        let seed = try #require(ReleaseSigning.parseKey(ReleaseSigning.generateSigningKey()))
        let publicKey = try #require(ReleaseSigning.parsePublicKey(try ReleaseSigning.publicKey(seed: seed)))
        let unsigned = try Fixture.release(root: Fixture.temporaryDirectory())
        let missing = try ReleaseVerifier.verify(path: unsigned.directory, publicKey: publicKey)
        #expect(!missing.isValid && missing.signature == .absent)
        #expect(missing.failures.contains { $0.hasPrefix("SHA256SUMS.sig:") && $0.contains("缺少签名") }, "\(missing.failures)")
        #expect(!(try ReleaseVerifier.verify(path: unsigned.zip!, publicKey: publicKey)).isValid)
        // Without a key there is nothing to insist on.
        #expect(try ReleaseVerifier.verify(path: unsigned.directory).isValid)

        let signed = try Fixture.release(root: Fixture.temporaryDirectory(), key: seed)
        let sig = signed.directory.appendingPathComponent("SHA256SUMS.sig")
        var bytes = try #require(Data(base64Encoded: Fixture.read(sig).trimmingCharacters(in: .whitespacesAndNewlines)))
        bytes[5] ^= 0x01
        try Data((bytes.base64EncodedString() + "\n").utf8).write(to: sig)
        let tampered = try ReleaseVerifier.verify(path: signed.directory, publicKey: publicKey)
        #expect(!tampered.isValid && tampered.signature == .invalid)
        #expect(tampered.failures.contains { $0.hasPrefix("SHA256SUMS.sig:") && $0.contains("签名无效") }, "\(tampered.failures)")
    }

    @Test("a signed release names the algorithm and public key in release.json and datapackage.json; the zip carries the signature")
    func signatureBlock() throws {
        let seed = try #require(ReleaseSigning.parseKey(ReleaseSigning.generateSigningKey()))
        let publicHex = try ReleaseSigning.publicKey(seed: seed)
        let outcome = try Fixture.release(root: Fixture.temporaryDirectory(), key: seed)
        for name in ["release.json", "datapackage.json"] {
            let data = try Data(contentsOf: outcome.directory.appendingPathComponent(name))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let block = try #require(object["signature"] as? [String: Any], "\(name) has no signature block")
            #expect(block["algorithm"] as? String == "Ed25519")
            #expect(block["public_key"] as? String == publicHex)
            #expect(block["public_key_sha256"] as? String == SHA256Hex.of(ReleaseSigning.parsePublicKey(publicHex)!))
            #expect(block["file"] as? String == "SHA256SUMS.sig")
        }
        let zip = try ZipReader(url: outcome.zip!)
        #expect(zip.entries.contains { $0.name.hasSuffix("/SHA256SUMS.sig") })

        let unsigned = try Fixture.release(root: Fixture.temporaryDirectory())
        let release = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: unsigned.directory.appendingPathComponent("release.json"))) as? [String: Any])
        #expect(release["signature"] is NSNull)
    }

    @Test("the open list (CSV, JSON, HTML) and DCAT publish the key that signed the latest release")
    func catalogPublishesKey() throws {
        let root = Fixture.temporaryDirectory()
        let seed = try #require(ReleaseSigning.parseKey(ReleaseSigning.generateSigningKey()))
        let publicHex = try ReleaseSigning.publicKey(seed: seed)
        _ = try Fixture.release(root: root, key: seed)
        let urls = try Catalog.write(config: nil, definitions: [Fixture.definition()], outputRoot: root, generatedAt: Fixture.runTime, gate: nil).files
        func text(_ name: String) -> String { Fixture.read(try! #require(urls.first { $0.lastPathComponent == name })) }
        #expect(text("open-list.csv").contains(publicHex))
        #expect(text("open-list.html").contains(publicHex))
        let list = try #require(try JSONSerialization.jsonObject(with: Data(text("open-list.json").utf8)) as? [String: Any])
        let item = try #require((list["datasets"] as? [[String: Any]])?.first)
        #expect((item["signature"] as? [String: Any])?["public_key"] as? String == publicHex)
        let dcat = text("dcat.jsonld")
        #expect(dcat.contains("sec:publicKeyHex") && dcat.contains(publicHex), "\(dcat.prefix(400))")
    }

    @Test("minimumVersion: the new version comes after a same-day version known elsewhere; another day's is ignored")
    func minimumVersion() throws {
        let root = Fixture.temporaryDirectory()
        let d = Fixture.definition()
        let day = ReleaseWriter.versionDay(Fixture.runTime)
        let writer = try ReleaseWriter(definition: d, schema: d.schema, outputRoot: root, runTime: Fixture.runTime, minimumVersion: "\(day).4")
        #expect(writer.version == "\(day).5")
        writer.abandon()
        let other = try ReleaseWriter(definition: d, schema: d.schema, outputRoot: root, runTime: Fixture.runTime, minimumVersion: "2001.01.01.9")
        #expect(other.version == "\(day).1")
        other.abandon()
        #expect(ReleaseWriter.newestVersion(["\(day).9", "\(day).10", "junk"]) == "\(day).10")
    }
}

@Suite("Signing key changes")
struct SigningKeyChangeTests {
    @Test("unchanged data gets a new, signed version once a key is configured or replaced; the same key again is unchanged")
    func newKeyMakesSignedVersion() throws {
        let root = Fixture.temporaryDirectory()
        let first = try Fixture.release(root: root)
        let seed = try #require(ReleaseSigning.parseKey(ReleaseSigning.generateSigningKey()))
        let signed = try Fixture.release(root: root, key: seed)
        #expect(!signed.isUnchanged && signed.version != first.version)
        #expect(FileManager.default.fileExists(atPath: signed.directory.appendingPathComponent("SHA256SUMS.sig").path))
        #expect(try Fixture.release(root: root, key: seed).isUnchanged)
        let other = try #require(ReleaseSigning.parseKey(ReleaseSigning.generateSigningKey()))
        #expect(!(try Fixture.release(root: root, key: other)).isUnchanged)
    }
}
