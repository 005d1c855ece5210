import Foundation

/// docs/errors.md, generated from `ErrorCode.all` and the message policy, never by hand.
public enum ErrorCatalog {
    public static func markdown() -> String {
        var s = """
        # ODP 错误代码（error codes）

        本文件由 `odp errors --markdown > docs/errors.md` 从代码生成，请勿手工编辑；
        测试 `ErrorCatalogTests` 在本文件与代码不一致时失败。查询单个代码：`odp errors ODP-E0102`。

        ## 消息规范（message policy）

        - 面向数据专员的消息（错误、报告、门户、审核提示）用简体中文；术语第一次出现时在括号里附英文
          （如“磁盘空间不足（no space left on device）”），便于检索和与技术人员沟通。
        - 键名、命令、文件名、代码与日志（`state/logs/odp.jsonl`，写给运维人员和日志工具）保持英文；
          `--help` 说明、`文件:行:列: error:` 中的级别词（编辑器和 CI 据此解析）也保持英文。
          服务器或系统自己的原文（PostgreSQL、SQLite、libcurl、系统错误）放在中文说明之后原样引用。
        - 每条错误都带稳定代码 `ODP-Exxxx`（写在消息末尾的方括号内），代码不重用、不改号。
        - 每条错误指明位置：定义问题给出 `文件:行:列`；数据问题给出数据源、行号和字段；文件问题给出路径；
          上传问题给出目标名和地址。
        - 不输出程序内部的原始转储（Swift/Foundation 的错误对象、YAML 库的上下文），只给原因和处理办法。
        - 不输出任何密钥、口令或个人信息的值。

        ## 代码一览

        | 代码 | 名称 | 说明与处理 |
        | --- | --- | --- |

        """
        for code in ErrorCode.all {
            s += "| \(code) | \(code.title) | \(code.explanation.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return s
    }
}
