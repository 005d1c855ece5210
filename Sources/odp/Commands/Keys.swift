import ArgumentParser
import Foundation
import ODPRelease

extension ODP {
    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the Ed25519 key that signs releases (SHA256SUMS.sig).",
            subcommands: [Generate.self])

        struct Generate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a signing key pair: DIR/signing.key (secret, mode 0600) and DIR/signing.pub (publish it).",
                discussion: """
                Example:
                  odp keys generate --out /etc/odp
                then in odp.yml:  keys: {signing: {secret: file:/etc/odp/signing.key}}
                and researchers check a release with:  odp verify RELEASE --public-key signing.pub
                Refuses to overwrite an existing key: releases signed with it could no longer be verified.
                """)

            @Option(help: "Folder for signing.key and signing.pub (created when missing).")
            var out: String

            func run() throws {
                let (secret, publicKey) = try ReleaseSigning.generateKeyPair(into: URL(fileURLWithPath: out))
                print("私钥（保密，勿提交、勿外发）：\(secret.path)")
                print("公钥（随发布公开）：\(publicKey.path)")
                print("在 odp.yml 中配置：keys: {signing: {secret: file:\(secret.path)}}")
            }
        }
    }
}
