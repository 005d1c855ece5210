import Foundation

/// The checks every text a member of the public types into a portal form gets before it is
/// stored (数据申请, 纠错与意见): trimmed, bounded in characters, no control characters but
/// line breaks. Messages are Chinese and name the field by its label.
public enum FormText {
    /// The trimmed value and the problem with it, if any (`required`: empty is a problem).
    public static func check(_ raw: String?, label: String, max: Int, required: Bool = true) -> (value: String, problem: String?) {
        let value = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { return (value, required ? "\(label)必填" : nil) }
        if value.count > max { return (value, "\(label)不能超过 \(max) 个字") }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" }) {
            return (value, "\(label)含有控制字符")
        }
        return (value, nil)
    }
}
