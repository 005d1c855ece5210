import Foundation
import ODPCore
import ODPPublish

/// Tells people when a night run needs them: datasets that failed, were held by a gate or
/// await approval, datasets overdue for their 更新周期 (reminded on every run until updated),
/// 数据申请 pending longer than `access.review_working_days` (reminded until decided), 纠错与意见
/// still 已收到 after as many working days (reminded until answered), a catalog that was not published, a run stopped by a signal. `notify.command` runs through /bin/sh with the event as JSON on stdin and
/// `ODP_EVENT_*` variables; `notify.webhook` receives the same JSON. Notification failures
/// are logged, never fatal: the run's own exit code already says what happened.
struct Notifier {
    let config: PipelineConfig
    let log: RunLog

    func notify(_ summary: PipelineRunner.Summary) {
        let attention = summary.outcomes.filter { [.failed, .held, .awaitingApproval, .interrupted].contains($0.status) }
        let overdue = summary.timeliness.filter(\.value.overdue).keys.sorted()
        let applications = summary.applicationsOverdue, feedback = summary.feedbackOverdue
        guard !attention.isEmpty || !overdue.isEmpty || !applications.isEmpty || !feedback.isEmpty || summary.signal != nil || summary.catalogError != nil,
              config.notifyCommand != nil || config.notifyWebhook != nil else { return }
        let event = RunNotification(report: summary.reportURL?.path ?? "", datasets: attention.map {
            RunNotification.Dataset(dataset: $0.dataset, status: $0.status, version: $0.version, reasons: $0.reasons, error: $0.error)
        }, overdue: overdue, catalogError: summary.catalogError, signal: summary.signal?.name, applicationsOverdue: applications,
           feedbackOverdue: feedback)
        guard let json = try? ArtifactCodec.encodeLine(event) else { return }
        if let command = config.notifyCommand { run(command, json: json, attention: attention, overdue: overdue, applications: applications, feedback: feedback) }
        if let webhook = config.notifyWebhook {
            do { try Webhook.post(url: webhook, json: json) } catch { log.log(.warning, "notification webhook failed: \(error)") }
        }
    }

    private func run(_ command: String, json: Data, attention: [DatasetOutcome], overdue: [String], applications: [RunNotification.Application],
                     feedback: [RunNotification.Application]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = config.baseDirectory
        var env = ProcessInfo.processInfo.environment
        env["ODP_EVENT_FAILED"] = attention.filter { $0.status == .failed || $0.status == .interrupted }.map(\.dataset).joined(separator: " ")
        env["ODP_EVENT_HELD"] = attention.filter { $0.status == .held || $0.status == .awaitingApproval }.map(\.dataset).joined(separator: " ")
        env["ODP_EVENT_OVERDUE"] = overdue.joined(separator: " ")
        env["ODP_EVENT_APPLICATIONS_OVERDUE"] = applications.map(\.number).joined(separator: " ")
        env["ODP_EVENT_FEEDBACK_OVERDUE"] = feedback.map(\.number).joined(separator: " ")
        process.environment = env
        do {
            // A file, not a pipe: a command that never reads its stdin must neither block a
            // large event (a full pipe) nor kill the run with SIGPIPE.
            let input = try Self.unlinkedFile(json)
            defer { try? input.close() }
            process.standardInput = input
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 { log.log(.warning, "notification command exited with \(process.terminationStatus)") }
        } catch {
            log.log(.warning, "notification command could not run: \(error)")
        }
    }

    /// `data` in a temporary file that is already removed, read from its start.
    private static func unlinkedFile(_ data: Data) throws -> FileHandle {
        var template = Array((FileManager.default.temporaryDirectory.path + "/odp-event-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw ODPError.io("notification event", String(cString: strerror(errno))) }
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.seek(toOffset: 0)
        return handle
    }
}
