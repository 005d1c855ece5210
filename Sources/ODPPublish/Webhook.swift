import Foundation
import ODPCore

/// Posts JSON to a webhook (the notifier's failed or held datasets, a subscriber's signed
/// event), through the same libcurl path, timeouts and TLS rules as uploads: up to 3 tries,
/// backing off 0.5, 1 and 2 s after a 5xx, 429 or transport error.
public enum Webhook {
    /// - Throws: `ODPError.publish` after 3 tries; the URL is the only thing named in errors.
    public static func post(url: String, json: Data, headers: [String] = [], caFile: String? = nil) throws {
        var options = TransferOptions()
        options.caFile = caFile
        var request = TransferRequest(url: url)
        request.method = "POST"
        request.headers = ["Content-Type: application/json; charset=utf-8"] + headers
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
