import Foundation
import ODPCore

/// Posts a JSON notification (failed or held datasets) to a webhook, through the same
/// libcurl path, timeouts and TLS rules as uploads.
public enum Webhook {
    /// - Throws: `ODPError.publish` after 3 tries; the URL is the only thing named in errors.
    public static func post(url: String, json: Data, caFile: String? = nil) throws {
        var options = TransferOptions()
        options.caFile = caFile
        var request = TransferRequest(url: url)
        request.method = "POST"
        request.headers = ["Content-Type: application/json; charset=utf-8"]
        request.body = .json(json)
        var lastError = ""
        for attempt in 0..<3 {
            do {
                let response = try Transfer.perform(request, options: options)
                if (200..<300).contains(response.status) { return }
                lastError = "HTTP \(response.status)"
                if response.status < 500 && response.status != 429 { break }
            } catch {
                lastError = error.description
            }
            usleep(useconds_t(500_000 << attempt))
        }
        throw ODPError.publish("webhook", "发送通知到 \(url.split(separator: "?").first ?? "") 失败（notification failed）：\(lastError)")
    }
}
