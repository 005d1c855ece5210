/// Why a request for a 有条件开放 dataset's data is refused. `code` is stable (clients and
/// docs/access.md rely on it); `message` tells a researcher what to do, in Chinese.
public struct AccessRefusal: Error, Sendable, Equatable {
    public let code: String
    public let message: String

    public static let tokenRequired = AccessRefusal(code: "access_token_required",
        message: "该数据集为有条件开放：下载数据和调用数据接口需要访问令牌（access token）。请在数据集页面提交数据申请，经数据专员审核通过后使用令牌。")
    public static let tokenInvalid = AccessRefusal(code: "access_token_invalid",
        message: "访问令牌无效：请核对令牌，或重新提交数据申请。")
    public static let tokenExpired = AccessRefusal(code: "access_token_expired",
        message: "访问令牌已过期：请重新提交数据申请。")
    public static let tokenRevoked = AccessRefusal(code: "access_token_revoked",
        message: "访问令牌已被数据专员撤销：如有疑问请联系数据集的联系人。")
    public static let otherDataset = AccessRefusal(code: "access_token_other_dataset",
        message: "该访问令牌是为另一个数据集签发的，不能用于本数据集：请为本数据集提交数据申请。")
    public static let versionOutOfRange = AccessRefusal(code: "access_token_version_range",
        message: "该访问令牌不包括所请求的版本：请在令牌批准的版本范围内下载，或重新申请。")
    /// The application records could not be read: refused, never served (fail closed).
    public static let unavailable = AccessRefusal(code: "access_unavailable",
        message: "暂时无法核验访问令牌，请稍后再试。")
}
