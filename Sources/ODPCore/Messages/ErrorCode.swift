import Foundation

/// A stable code for each kind of problem ODP reports, `ODP-E0102`, so a data officer can
/// look it up (`odp errors ODP-E0102`, docs/errors.md) and a help desk can search for it.
/// Codes are never reused or renumbered; a retired code stays in `all` with its meaning.
///
/// docs/errors.md is generated from `all` (`odp errors --markdown`), and a test fails when
/// the file is stale.
public struct ErrorCode: Sendable, Hashable, CustomStringConvertible {
    public let number: Int
    /// What went wrong, in Chinese, with the English term where it helps.
    public let title: String
    /// Why it happens and what to do, in Chinese.
    public let explanation: String

    init(_ number: Int, _ title: String, _ explanation: String) {
        self.number = number
        self.title = title
        self.explanation = explanation
    }

    /// `ODP-E0102`.
    public var description: String { String(format: "ODP-E%04d", number) }

    /// The code `text` names (`ODP-E0102`, `E0102`, `102`), if ODP has it.
    public static func named(_ text: String) -> ErrorCode? {
        let digits = text.uppercased().replacingOccurrences(of: "ODP-", with: "").replacingOccurrences(of: "E", with: "")
        guard let n = Int(digits) else { return nil }
        return all.first { $0.number == n }
    }
}

extension ErrorCode {
    // 0xxx: the command line
    public static let usage = ErrorCode(1, "命令行用法错误（usage）",
        "参数、选项或子命令不正确。运行 `odp help 子命令` 查看用法。")
    public static let configMissing = ErrorCode(2, "找不到全局配置 odp.yml",
        "默认读取 pipelines/odp.yml；在其他位置时用 `--config 路径` 指定。")
    public static let runLocked = ErrorCode(3, "另一个 odp 运行正在进行（run lock held）",
        "同一输出目录同时只能有一个 `odp run`。本次运行什么也没做，退出码 75；等对方结束后再运行。消息给出锁文件、对方的进程号（pid）、主机和开始时间；对方进程已不存在时，下次运行会自动接管锁。")
    public static let shard = ErrorCode(10, "分片参数错误（--shard / --plan）",
        "`--shard i/N` 中 i 是从 0 起的分片序号（Kubernetes 的 JOB_COMPLETION_INDEX），N 是分片总数，须 0 ≤ i < N；只写 `--shard i` 时 N 取自环境变量 JOB_COMPLETIONS。`--plan`（或环境变量 ODP_JOB_ID）只能含字母、数字、`.`、`_`、`-`，且不以 `.` 开头。已保存的分片计划（state/plans/<计划>.json）的分片数与 N 不同时也报此错：同一作业的所有分片须使用相同的 N。本次运行什么也没做，退出码 64。")
    public static let shardWait = ErrorCode(11, "等待分片超时（shards not finished）",
        "`odp catalog --wait-for 计划 --timeout 秒` 在时限内没有等到计划中的每个数据集在本作业中运行结束（分片 Pod 失败、被驱逐或仍在运行）。开放清单仍按各数据集现有的最新版本生成并上传；未结束的数据集逐一列出，退出码 3。查看对应分片 Pod 的日志（`kubectl logs`），必要时重新运行该分片。")

    // 01xx: definitions (odp.yml and dataset files)
    public static let yamlSyntax = ErrorCode(101, "YAML 语法错误（syntax error）",
        "定义文件不是有效的 YAML：多为缩进不一致、冒号后缺空格、引号未闭合，或文件不是 UTF-8 编码。消息给出文件:行:列，修正该处后重新运行 `odp validate`。")
    public static let yamlDuplicateKey = ErrorCode(102, "YAML 中同一个键写了两次（duplicate key）",
        "同一层级下同一个键只能出现一次，否则无法确定以哪个值为准。消息给出第二次出现的位置；删去或合并其中一处。")
    public static let definition = ErrorCode(103, "定义错误（definition error）",
        "键名未知、缺少必填键、取值类型或范围不对、引用了不存在的字段等。消息给出文件:行:列和建议（hint）；`odp validate` 一次列出全部问题。")
    public static let inlineSecret = ErrorCode(104, "定义中写入了明文密钥（inline secret）",
        "密码、令牌和密钥只能以引用给出：`env:变量名`（环境变量）或 `file:路径`（文件）。把值移出定义文件，再改为引用。")
    public static let sourceOutside = ErrorCode(105, "数据源路径超出流水线目录（path outside pipelines/）",
        "`source.path` 经 `..` 或绝对路径指向流水线目录（odp.yml 所在目录）之外。把数据文件放进流水线目录；确需读取外部文件时，在该数据源下写 `allow_outside: true`。")
    public static let secretUnavailable = ErrorCode(106, "密钥无法读取（secret unavailable）",
        "`env:` 引用的环境变量未设置，或 `file:` 引用的文件不存在、不可读、为空。只影响用到该密钥的数据集或上传目标；设置变量或放好文件后重新运行，`odp validate` 会事先报告。")

    // 02xx: sources and data
    public static let source = ErrorCode(201, "数据源无法读取（source unavailable）",
        "文件不存在、列名或编码不符、数据库不可达或被锁定等。只影响该数据集（退出码 3），其余数据集照常运行；按消息修正后重新运行。")
    public static let dataRow = ErrorCode(202, "数据行有误（bad data）",
        "消息给出文件、行号和字段。被剔除的行连同原值写入问题数据清单 output/state/feedback/<数据集>.csv，反馈提供部门。")

    // 03xx: files ODP reads and writes
    public static let diskFull = ErrorCode(301, "磁盘空间不足（no space left on device）",
        "写入输出目录时磁盘已满。已写的部分不会生效（先写临时文件再改名）。清理磁盘或把 odp.yml 的 `output` 指向更大的分区后重新运行。")
    public static let permissionDenied = ErrorCode(302, "没有读写权限（permission denied）",
        "运行 odp 的用户不能写入（或读取）消息中的路径，或该目录只读（read-only）。用 `ls -ld 路径` 检查属主与权限，授予运行用户写权限后重新运行。")
    public static let io = ErrorCode(303, "文件读写失败（I/O error）",
        "消息给出路径与系统原因；检查路径是否存在、磁盘是否可用。")
    public static let artifact = ErrorCode(304, "输出或状态文件格式不符（artifact）",
        "output/ 下由 ODP 写出的文件（release.json、latest.json、状态文件等）无法读取：被手工改动、被截断，或由更新版本的 odp 写出。恢复该文件或升级 odp。")

    // 04xx: uploads
    public static let publish = ErrorCode(401, "上传失败（upload failed）",
        "上传目标在重试后仍失败。消息给出目标名、地址和根本原因（无法连接、被拒绝、超时或 HTTP 状态码）。该数据集已生成的发布版本保留，下次运行会续传。")

    // 05xx: releases and approval
    public static let noRelease = ErrorCode(501, "找不到该版本（no release）",
        "output/releases/ 与 output/held/ 下都没有该数据集的这个版本。用 `odp status` 或 `odp preview 数据集` 查看现有版本。")
    public static let heldNotReviewable = ErrorCode(502, "被暂缓的版本不能审核（held release）",
        "发布闸门暂缓的版本不能审核通过或驳回：按暂缓原因修正源数据或定义，再运行 `odp run`。暂缓版本在 output/held/ 下，被剔除的行在 output/state/feedback/ 下。")
    public static let erratumRejected = ErrorCode(503, "勘误不能记录（erratum rejected）",
        "勘误说明会公开发布：不能为空、不超过 2000 字，且不得含手机号码、身份证号等个人信息（与发布文件相同的扫描）；编号须是该数据集已有的勘误。改写说明后重试。")
    public static let withdrawalRejected = ErrorCode(504, "撤回不能执行（withdrawal rejected）",
        "`odp withdraw` 的撤回原因会在门户（410 页面）和订阅源中公开：不能为空、不超过 2000 字，且不得含手机号码、身份证号等个人信息（与发布文件相同的扫描）；`--by` 须给出操作人。`--restore` 只能恢复整体撤回且尚未恢复的数据集。隔离区（output/state/withdrawn/）已有同一版本而发布目录中仍有其完整文件时也报此错：人工核对两处、删去其一后重新运行。退出码 1；除最后一种情况外什么也没有改动。")
    public static let accessApplication = ErrorCode(520, "数据申请不能处理（access application）",
        "`odp access` 找不到该编号的数据申请，或申请当前的状态不允许该操作（只能批准或驳回待审核的申请，只能撤销已批准的申请）。用 `odp access list` 查看编号和状态。")
    public static let feedbackChange = ErrorCode(521, "反馈不能处理（feedback）",
        "`odp feedback` 找不到该编号的纠错与意见，或其当前状态不允许该操作（已修正、不予采纳的不能再改）；修正须给出该数据集已发布的版本（`--version`）和已有的勘误编号（`--erratum`），不予采纳的理由会公开，不得为空或含个人信息。用 `odp feedback list` 查看编号和状态。")

    // 06xx: shared state (PostgreSQL, sharded runs)
    public static let stateStore = ErrorCode(601, "共享状态库不可用（state store unavailable）",
        "odp.yml 的 `state: {type: postgres}` 指向的 PostgreSQL 无法连接、拒绝登录，或读写失败。检查 `state.url` 引用的密钥、网络和数据库权限（需能在 `state.schema` 模式下建表）。消息不含连接串和密码。")
    public static let leaseLost = ErrorCode(602, "数据集租约已被接管（lease lost）",
        "本进程处理该数据集时租约过期并被另一个进程接管（例如本进程停顿超过 `state.lease_seconds`）。为免重复发布，本进程停止处理该数据集、不再上传；接管者会从上传记录续传。通常无需处理；频繁出现时调大 `state.lease_seconds`。")

    /// Every code, in number order: the catalog docs/errors.md is generated from.
    public static let all: [ErrorCode] = [
        usage, configMissing, runLocked, shard, shardWait, yamlSyntax, yamlDuplicateKey, definition, inlineSecret, sourceOutside, secretUnavailable, source, dataRow,
        diskFull, permissionDenied, io, artifact, publish, noRelease, heldNotReviewable, erratumRejected, withdrawalRejected,
        accessApplication, feedbackChange,
        stateStore, leaseLost,
    ]
}
