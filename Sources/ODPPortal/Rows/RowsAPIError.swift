import ODPCore

/// A refused rows request: a stable `code` for programs and a Chinese message for people.
/// The message names the parameter or field, never echoes more than it (no value is quoted
/// back beyond what the client sent in that parameter's name).
struct RowsAPIError: Error, Sendable {
    let status: Int
    let code: String
    let message: String

    static func bad(_ code: String, _ message: String) -> RowsAPIError { RowsAPIError(status: 400, code: code, message: message) }

    var json: ArtifactJSON { ["status": .int(Int64(status)), "code": .string(code), "error": .string(message)] }
}
