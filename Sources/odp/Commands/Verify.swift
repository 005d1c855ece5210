import ArgumentParser
import Foundation
import ODPRelease

extension ODP {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a release folder or zip against its SHA256SUMS (and signature, when present).")

        @Argument(help: "A release folder or a release zip.")
        var path: String

        @Option(help: "Ed25519 public key file to check SHA256SUMS.sig against.")
        var publicKey: String?

        func run() throws {
            do {
                let result = try ReleaseVerifier.verify(path: URL(fileURLWithPath: path), publicKeyFile: publicKey.map { URL(fileURLWithPath: $0) })
                print(result)
            } catch {
                FileHandle.standardError.write(Data("verification FAILED: \(error)\n".utf8))
                throw ExitCode(3)
            }
        }
    }
}
