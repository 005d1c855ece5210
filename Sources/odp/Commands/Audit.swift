import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

extension ODP {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The tamper-evident audit trail (全程留痕).", subcommands: [VerifyChain.self])

        struct VerifyChain: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "verify",
                abstract: "Check the hash chain of state/audit.jsonl and name the first broken entry.")

            @OptionGroup var pipeline: PipelineOptions

            func run() throws {
                let workspace = try pipeline.workspace()
                let store = try workspace.openStateStore()
                let result = try (store as? SharedRecords).map(AuditTrail.verify(records:)) ?? AuditTrail.verify(url: workspace.layout.auditLog)
                if let line = result.firstBrokenLine {
                    print("审计日志在第 \(line) 条记录处断裂（audit trail BROKEN at entry \(line)）：\(result.problem ?? "")")
                    throw ExitCode(ODPExit.failure)
                }
                print("审计日志完整（audit trail intact）：共 \(result.entries) 条记录")
                if let torn = result.tornFinalWrite {
                    // Not tampering: the chain up to it holds, and the bytes were never acknowledged.
                    print("审计日志末尾有一次未写完的记录（\(torn) 字节，可能因磁盘已满或进程中断）：不是篡改，之前的记录完整；下次运行时会删除并记录 audit_repaired")
                }
            }
        }
    }
}
