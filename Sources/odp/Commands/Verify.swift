import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline
import ODPRelease

extension ODP {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a release folder or zip against its SHA256SUMS (and signature, when present).",
            discussion: """
            Exit 0 when every file matches; 3 when a file differs, is missing or unlisted, or the signature is invalid.
            With --public-key the release must carry SHA256SUMS.sig signed by that key: a missing signature also exits 3.
            The publisher's public key is in release.json (`signature.public_key`), the open list and the DCAT catalog.
            """)

        @OptionGroup var pipeline: PipelineOptions

        @Argument(help: "A release folder, a release zip, or DATASET[/VERSION] (its newest or given release under the output folder of --config).")
        var path: String

        @Option(help: "File holding the publisher's Ed25519 public key (64 hex characters, e.g. signing.pub from `odp keys generate`).")
        var publicKey: String?

        func run() throws {
            var key: [UInt8]?
            if let publicKey {
                guard let text = try? String(contentsOfFile: publicKey, encoding: .utf8), let parsed = ReleaseSigning.parseKey(text) else {
                    throw ValidationError("\(publicKey) 不是 32 字节公钥（public key）的十六进制或 Base64 文本")
                }
                key = parsed
            }
            let release = try release()
            let result: VerifyResult
            do { result = try ReleaseVerifier.verify(path: release, publicKey: key) } catch {
                FileHandle.standardError.write(Data("验证失败（verification FAILED）：\(ODPError.from(error))\n".utf8))
                throw ExitCode(3)
            }
            for failure in result.failures { print("失败 FAILED  \(failure)") }
            let signature: String
            switch result.signature {
            case .absent: signature = key == nil ? "无签名" : "缺少签名 SHA256SUMS.sig，验证失败"
            case .notChecked: signature = "有签名，未验证（请用 --public-key 给出发布方公钥）"
            case .valid: signature = "签名有效"
            case .invalid: signature = "签名无效，验证失败"
            }
            print("已验证 \(result.verified.count) 个文件（file(s) verified），失败 \(result.failures.count) 个（failure(s)）；\(signature)")
            if !result.isValid { throw ExitCode(3) }
        }

        /// A path that exists is taken as is; otherwise `DATASET[/VERSION]` under the configuration's output.
        private func release() throws -> URL {
            if FileManager.default.fileExists(atPath: path) { return URL(fileURLWithPath: path) }
            let parts = path.split(separator: "/").map(String.init)
            guard (1...2).contains(parts.count) else { throw ValidationError("\(path)：没有这个版本目录或 zip 文件（no such release）") }
            let root: URL
            do { root = try pipeline.workspace().layout.root } catch { fail(error) }
            guard let version = parts.count == 2 ? parts[1] : (try? ReleaseReader.latest(datasetId: parts[0], root: root))?.version else {
                throw ValidationError("\(path)：没有这个文件，数据集 \(parts[0]) 在 \(root.path)/releases 下也没有这个版本（no release）")
            }
            return root.appendingPathComponent("releases/\(parts[0])/\(version)")
        }
    }
}
