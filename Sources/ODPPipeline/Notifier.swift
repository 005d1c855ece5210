import Foundation
import ODPCore
import ODPPublish

/// Tells people when a night run needs them: datasets that failed, were held by a gate or
/// await approval. `notify.command` runs through /bin/sh with the event as JSON on stdin and
/// `ODP_EVENT_*` variables; `notify.webhook` receives the same JSON. Notification failures
/// are logged, never fatal: the run's own exit code already says what happened.
struct Notifier {
    let config: PipelineConfig
    let log: RunLog

    func notify(_ outcomes: [DatasetOutcome], reportURL: URL?) {
        let attention = outcomes.filter { [.failed, .held, .awaitingApproval].contains($0.status) }
        guard !attention.isEmpty, config.notifyCommand != nil || config.notifyWebhook != nil else { return }
        let event: [String: Any] = [
            "event": "odp_run_attention",
            "report": reportURL?.path ?? "",
            "datasets": attention.map { o -> [String: Any] in
                var d: [String: Any] = ["dataset": o.dataset, "status": o.status.rawValue, "reasons": o.reasons]
                if let v = o.version { d["version"] = v }
                if let e = o.error { d["error"] = e }
                return d
            },
        ]
        guard let json = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        if let command = config.notifyCommand { run(command, json: json, attention: attention) }
        if let webhook = config.notifyWebhook {
            do { try Webhook.post(url: webhook, json: json) } catch { log.log(.warning, "notification webhook failed: \(error)") }
        }
    }

    private func run(_ command: String, json: Data, attention: [DatasetOutcome]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = config.baseDirectory
        var env = ProcessInfo.processInfo.environment
        env["ODP_EVENT_FAILED"] = attention.filter { $0.status == .failed }.map(\.dataset).joined(separator: " ")
        env["ODP_EVENT_HELD"] = attention.filter { $0.status != .failed }.map(\.dataset).joined(separator: " ")
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        do {
            try process.run()
            try input.fileHandleForWriting.write(contentsOf: json)
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            if process.terminationStatus != 0 { log.log(.warning, "notification command exited with \(process.terminationStatus)") }
        } catch {
            log.log(.warning, "notification command could not run: \(error)")
        }
    }
}
