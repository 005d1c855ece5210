import Foundation

/// Checks the fields of a 数据申请 before anything is stored: every field required, trimmed,
/// bounded in length, without control characters; the conditions must be accepted.
/// Problems come back as Chinese messages keyed by field, for the form and the JSON API alike.
public enum AccessForm {
    /// Field name → (Chinese label, longest length in characters).
    public static let limits: [(field: String, label: String, max: Int)] = [
        ("name", "姓名", 50), ("organisation", "单位", 100), ("purpose", "用途", 2000), ("contact", "联系方式", 100),
    ]

    /// The applicant, or the problems by field (`accept_conditions` for the conditions).
    public static func validate(_ values: [String: String], accepted: Bool) -> Result<AccessBook.Applicant, FieldProblems> {
        var problems: [String: String] = [:]
        var clean: [String: String] = [:]
        for (field, label, max) in limits {
            let (value, problem) = FormText.check(values[field], label: label, max: max)
            if let problem { problems[field] = problem }
            clean[field] = value
        }
        if (clean["purpose"]?.count ?? 0) < 10, problems["purpose"] == nil { problems["purpose"] = "用途至少写 10 个字" }
        if !accepted { problems["accept_conditions"] = "须阅读并接受该数据集的开放条件" }
        guard problems.isEmpty else { return .failure(FieldProblems(byField: problems)) }
        return .success(AccessBook.Applicant(name: clean["name"]!, organisation: clean["organisation"]!, purpose: clean["purpose"]!,
                                             contact: clean["contact"]!))
    }

    public struct FieldProblems: Error, Sendable, Equatable {
        public var byField: [String: String]
    }
}
