import ArgumentParser
import Foundation
import ODPRelease

extension ODP {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a release folder or zip against its SHA256SUMS (and signature, when present).",
            discussion: "Exit 0 when every file matches; 3 when a file differs, is missing or unlisted, or the signature is invalid.")

        @Argument(help: "A release folder or a release zip.")
        var path: String

        @Option(help: "File holding the publisher's Ed25519 public key (64 hex characters).")
        var publicKey: String?

        func run() throws {
            var key: [UInt8]?
            if let publicKey {
                guard let text = try? String(contentsOfFile: publicKey, encoding: .utf8), let parsed = ReleaseSigning.parseKey(text) else {
                    throw ValidationError("\(publicKey) does not hold a 32-byte public key in hex or Base64")
                }
                key = parsed
            }
            let result: VerifyResult
            do { result = try ReleaseVerifier.verify(path: URL(fileURLWithPath: path), publicKey: key) } catch {
                FileHandle.standardError.write(Data("verification FAILED: \(error)\n".utf8))
                throw ExitCode(3)
            }
            for failure in result.failures { print("FAILED  \(failure)") }
            let signature: String
            switch result.signature {
            case .absent: signature = "no signature"
            case .notChecked: signature = "signature present, not checked (give --public-key)"
            case .valid: signature = "signature valid"
            case .invalid: signature = "signature INVALID"
            }
            print("\(result.verified.count) file(s) verified, \(result.failures.count) failure(s); \(signature)")
            if !result.isValid { throw ExitCode(3) }
        }
    }
}
