import Foundation
import ODPCore
import ODPPublish

/// Tells people when a night run needs them: datasets that failed, were held by a gate or
/// await approval, a catalog that was not published, a run stopped by a signal. `notify.command` runs through /bin/sh with the event as JSON on stdin and
/// `ODP_EVENT_*` variables; `notify.webhook` receives the same JSON. Notification failures
/// are logged, never fatal: the run's own exit code already says what happened.
struct Notifier {
    let config: PipelineConfig
    let log: RunLog

    func notify(_ summary: PipelineRunner.Summary) {
        let attention = summary.outcomes.filter { [.failed, .held, .awaitingApproval, .interrupted].contains($0.status) }
        guard !attention.isEmpty || summary.signal != nil || summary.catalogError != nil,
              config.notifyCommand != nil || config.notifyWebhook != nil else { return }
        let event = RunNotification(report: summary.reportURL?.path ?? "", datasets: attention.map {
            RunNotification.Dataset(dataset: $0.dataset, status: $0.status, version: $0.version, reasons: $0.reasons, error: $0.error)
        }, catalogError: summary.catalogError, signal: summary.signal?.name)
        guard let json = try? ArtifactCodec.encodeLine(event) else { return }
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
        env["ODP_EVENT_FAILED"] = attention.filter { $0.status == .failed || $0.status == .interrupted }.map(\.dataset).joined(separator: " ")
        env["ODP_EVENT_HELD"] = attention.filter { $0.status == .held || $0.status == .awaitingApproval }.map(\.dataset).joined(separator: " ")
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
