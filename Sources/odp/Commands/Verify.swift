import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline
import ODPRelease

extension ODP {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a release folder or zip against its SHA256SUMS (and signature, when present), or the targets against the upload journal.",
            discussion: """
            Exit 0 when every file matches; 3 when a file differs, is missing or unlisted, or the signature is invalid.
            With --targets (and no path): every file the upload journal says is published (each dataset's latest release and the
            open list) is compared by content on every target; a missing or changed file is uploaded again and listed.
            Exit 0 when all matched or were repaired, 3 when a target could not be compared or repaired.
            With --public-key the release must carry SHA256SUMS.sig signed by that key: a missing signature also exits 3.
            The publisher's public key is in release.json (`signature.public_key`), the open list and the DCAT catalog.
            """)

        @OptionGroup var pipeline: PipelineOptions

        @Argument(help: "A release folder, a release zip, or DATASET[/VERSION] (its newest or given release under the output folder of --config).")
        var path: String?

        @Flag(help: "Compare the targets with the upload journal and upload again what is missing or changed (no path).")
        var targets = false

        @Option(help: "File holding the publisher's Ed25519 public key (64 hex characters, e.g. signing.pub from `odp keys generate`).")
        var publicKey: String?

        func validate() throws {
            guard (path == nil) == targets else { throw ValidationError("give either a release (path or DATASET[/VERSION]) or --targets") }
        }

        func run() throws {
            if targets { return try verifyTargets() }
            guard let path else { return }
            var key: [UInt8]?
            if let publicKey {
                guard let text = try? String(contentsOfFile: publicKey, encoding: .utf8), let parsed = ReleaseSigning.parseKey(text) else {
                    throw ValidationError("\(publicKey) 不是 32 字节公钥（public key）的十六进制或 Base64 文本")
                }
                key = parsed
            }
            let release = try release(path)
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

        /// Exit 3 when a target could not be compared or repaired.
        private func verifyTargets() throws {
            let result: TargetVerification.Result
            do {
                let workspace = try pipeline.workspace()
                result = try TargetVerification(workspace: workspace, log: RunLog(logFile: workspace.layout.logFile, quiet: true)).run()
            } catch { fail(error) }
            for line in result.reuploaded { print("REUPLOADED  \(line)") }
            for line in result.failures { print("FAILED  \(line)") }
            print("\(result.releases) release(s), \(result.files) file(s) on the targets compared with the upload journal; "
                + "\(result.reuploaded.count) missing or changed file(s) uploaded again 已重新上传; \(result.failures.count) failure(s)")
            if !result.failures.isEmpty { throw ExitCode(3) }
        }

        /// A path that exists is taken as is; otherwise `DATASET[/VERSION]` under the configuration's output.
        private func release(_ path: String) throws -> URL {
            if FileManager.default.fileExists(atPath: path) { return URL(fileURLWithPath: path) }
            let parts = path.split(separator: "/").map(String.init)
            guard (1...2).contains(parts.count) else {
                throw ODPError.usage("\(path)：没有这个版本目录或 zip 文件（no such release）").coded(.noRelease)
            }
            let root: URL
            do { root = try pipeline.workspace().layout.root } catch { fail(error) }
            guard let version = parts.count == 2 ? parts[1] : (try? ReleaseReader.latest(datasetId: parts[0], root: root))?.version else {
                throw ODPError.usage("\(path)：没有这个文件，数据集 \(parts[0]) 在 \(root.path)/releases 下也没有这个版本（no release）；用 odp status 查看各数据集的版本")
                    .coded(.noRelease)
            }
            return root.appendingPathComponent("releases/\(parts[0])/\(version)")
        }
    }
}
