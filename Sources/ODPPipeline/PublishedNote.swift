import Foundation
import ODPCore
import ODPDesensitize

/// A note a person writes that the portal and the feeds publish (勘误说明, 撤回原因): trimmed,
/// not empty, bounded, and scanned for personal data like every published file.
enum PublishedNote {
    /// The trimmed text.
    /// - Parameters:
    ///   - what: the note's name in Chinese (`勘误说明`), for the messages.
    ///   - option: the option that gave it (`--text`).
    static func check(_ text: String, what: String, option: String, maxLength: Int, code: ErrorCode, now: Date) throws -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw ODPError.usage("\(what)不能为空（\(option)）").coded(code) }
        guard text.count <= maxLength else {
            throw ODPError.usage("\(what)有 \(text.count) 字，超过 \(maxLength) 字上限（too long）").coded(code)
        }
        let findings = PublishedFileScanner(today: RunOptions(runTime: now).runDate).inspect(file: what, bytes: Data(text.utf8))
        guard findings.isEmpty else {
            throw ODPError.usage("\(what)会公开发布，但其中有个人信息：" + findings.map(\.reason).joined(separator: "；") + "。请删去后重试").coded(code)
        }
        return text
    }
}
