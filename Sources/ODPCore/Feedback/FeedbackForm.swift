import Foundation

/// Checks a 纠错/意见 submission before anything is stored, for the portal form and the JSON
/// API alike: a known kind, a text of 5 to 2,000 characters, an optional contact and version.
/// Problems come back as Chinese messages keyed by field.
public enum FeedbackForm {
    public static let textLimit = 2000
    public static let contactLimit = 100

    public struct Submission: Sendable, Equatable {
        public var kind: FeedbackItem.Kind
        public var text: String
        public var contact: String?
        public var version: String?

        public init(kind: FeedbackItem.Kind, text: String, contact: String? = nil, version: String? = nil) {
            self.kind = kind
            self.text = text
            self.contact = contact
            self.version = version
        }
    }

    public static func validate(_ values: [String: String]) -> Result<Submission, AccessForm.FieldProblems> {
        var problems: [String: String] = [:]
        let kind = FeedbackItem.Kind(rawValue: values["kind"] ?? "")
        if kind == nil { problems["kind"] = "类型须为 correction（纠错）或 request（意见/需求）" }
        let text = FormText.check(values["text"], label: "内容", max: textLimit)
        if let p = text.problem { problems["text"] = p } else if text.value.count < 5 { problems["text"] = "内容至少写 5 个字" }
        let contact = FormText.check(values["contact"], label: "联系方式", max: contactLimit, required: false)
        if let p = contact.problem { problems["contact"] = p }
        let version = (values["version"] ?? "").trimmingCharacters(in: .whitespaces)
        if !version.isEmpty, version.count > 40 || !version.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            problems["version"] = "版本号格式不对（如 2026.11.23.1）"
        }
        guard problems.isEmpty, let kind else { return .failure(AccessForm.FieldProblems(byField: problems)) }
        return .success(Submission(kind: kind, text: text.value, contact: contact.value.isEmpty ? nil : contact.value,
                                   version: version.isEmpty ? nil : version))
    }
}
