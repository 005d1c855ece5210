import Foundation
import ODPCore

/// 问题数据清单: every rejected or flagged source row with field, rule and value, for the
/// providing department to correct. Written under `state/` and never published, because
/// the values are the department's raw (possibly personal) data.
enum FeedbackList {
    static func write(_ problems: [RowProblem], dataset: String, to url: URL) throws {
        var out = "\u{FEFF}数据集,源数据行号,字段,规则,问题说明,原始值\r\n"
        for p in problems.sorted(by: { ($0.sourceRow, $0.field ?? "", $0.rule) < ($1.sourceRow, $1.field ?? "", $1.rule) }) {
            out += [dataset, p.rowLabel, p.field ?? "", p.rule, p.message, p.value ?? ""].map(csvCell).joined(separator: ",") + "\r\n"
        }
        try AtomicFile.write(Data(out.utf8), to: url)
        chmod(url.path, 0o600)
    }

    static func csvCell(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
