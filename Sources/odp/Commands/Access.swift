import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

/// Options shared by `access approve`, `reject` and `revoke`.
struct AccessDecisionOptions: ParsableArguments {
    @OptionGroup var pipeline: PipelineOptions
    @Argument(help: "Application number (申请编号), e.g. SQ20261207-7KQ2MD.") var number: String
    @Option(help: "Who decides (数据专员 name).") var by: String
    @Option(help: "A note kept with the application.") var note: String?

    /// Runs a decision that returns the application and prints `done` after its number.
    func decide(_ action: (AccessDesk) -> (String, String, String?) throws -> AccessApplication, _ done: String) throws {
        do {
            let a = try action(try desk())(number, by, note)
            print("\(a.number) \(done)")
        } catch { fail(error) }
    }

    func desk() throws -> AccessDesk {
        let workspace = try pipeline.workspace()
        return AccessDesk(workspace: workspace, audit: try workspace.auditTrail(store: try workspace.openStateStore()))
    }
}

extension ODP {
    struct Access: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Applications for 有条件开放 datasets (数据申请): list, approve, reject, revoke, purge.",
            discussion: """
            Examples:
              odp access list                      pending first, with their age in working days
              odp access approve SQ20261207-7KQ2MD --by 张三 [--days 90] [--first-version V] [--last-version V]
              odp access reject SQ20261207-7KQ2MD --by 张三 --note 用途不符
              odp access revoke SQ20261207-7KQ2MD --by 张三
              odp access purge                     empty applicants' data past access.retention_days

            approve prints the access token once: only its hash is kept. Send it to the
            applicant through the contact they gave. Unknown numbers and decisions the
            application's status does not allow exit 1 with ODP-E0520 (a coded message, like other usage errors).
            """,
            subcommands: [List.self, Approve.self, Reject.self, Revoke.self, Purge.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List applications: pending ones first, with their age in working days.")
            @OptionGroup var pipeline: PipelineOptions

            func run() throws {
                let workspace = try pipeline.workspace()
                let book = AccessBook(state: workspace.layout.state)
                let limit = workspace.config.access.reviewWorkingDays
                let all = try book.applications()
                let ordered = all.filter { $0.status == .pending } + all.filter { $0.status != .pending }.reversed()
                if ordered.isEmpty { print("暂无数据申请（no applications）"); return }
                for a in ordered {
                    var line = "\(a.number)  \(a.dataset)  \(a.status.title)（\(a.status.rawValue)）  提交 \(BeijingTime.text(a.submitted))"
                    if a.status == .pending {
                        let age = WorkingDays.between(a.submitted, Date()) ?? 0
                        line += "  已等待 \(age) 个工作日" + (age > limit ? "（超过 \(limit) 个工作日，overdue）" : "")
                        line += "\n    \(a.name ?? "—") / \(a.organisation ?? "—") / \(a.contact ?? "—")\n    用途：\(a.purpose ?? "—")"
                    } else {
                        line += "  审核人 \(a.decidedBy ?? "—")  下载 \(a.downloads) 次  接口调用 \(a.apiCalls) 次"
                        if let expires = a.expires, a.status == .approved { line += "  有效期至 \(BeijingTime.text(expires))" }
                    }
                    print(line)
                }
            }
        }

        struct Approve: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Approve a pending application and print its access token (once).")
            @OptionGroup var options: AccessDecisionOptions
            @Option(help: "Days the token is valid (default: access.token_days).") var days: Int?
            @Option(help: "First version the token opens (default: every earlier one).") var firstVersion: String?
            @Option(help: "Last version the token opens (default: every later one).") var lastVersion: String?

            func validate() throws {
                if let days, !(1...3660).contains(days) { throw ValidationError("--days 须在 1 到 3660 之间") }
            }

            func run() throws {
                let approval: (AccessApplication, token: String)
                do {
                    approval = try options.desk().approve(options.number, by: options.by, note: options.note, days: days,
                                                          firstVersion: firstVersion, lastVersion: lastVersion)
                } catch { fail(error) }
                let (a, token) = approval
                print("\(a.number) 已批准（approved）：数据集 \(a.dataset)，有效期至 \(BeijingTime.text(a.expires ?? ""))")
                print("访问令牌（access token，只显示这一次，请通过申请人的联系方式发送）：")
                print(token)
            }
        }

        struct Reject: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Reject a pending application.")
            @OptionGroup var options: AccessDecisionOptions
            func run() throws { try options.decide(AccessDesk.reject, "已驳回（rejected）") }
        }

        struct Revoke: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke an approved application's token at once.")
            @OptionGroup var options: AccessDecisionOptions
            func run() throws { try options.decide(AccessDesk.revoke, "的访问令牌已撤销（revoked）") }
        }

        struct Purge: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Empty applicants' personal data past access.retention_days (odp run does this too).")
            @OptionGroup var pipeline: PipelineOptions
            func run() throws {
                let workspace = try pipeline.workspace()
                let purged = try AccessDesk(workspace: workspace, audit: try workspace.auditTrail(store: try workspace.openStateStore())).purge()
                print("已清除 \(purged.count) 份申请的个人信息（purged）" + (purged.isEmpty ? "" : "：" + purged.joined(separator: " ")))
            }
        }
    }
}
