import Foundation

/// Progress and retry notes. Messages pass through the redactor before anyone sees them.
/// Nothing is kept here: a run of a whole catalog notes every file it uploads, and the sink
/// (the run log) already writes each note out.
final class PublishLog: Sendable {
    private let redactor: Redactor
    private let sink: (@Sendable (String) -> Void)?

    init(redactor: Redactor, sink: (@Sendable (String) -> Void)?) {
        self.redactor = redactor
        self.sink = sink
    }

    func note(_ message: String) { sink?(redactor.clean(message)) }
}

/// Removes secret values from any text that leaves the module (logs, errors, receipts).
struct Redactor: Sendable {
    private(set) var secrets: [String] = []

    mutating func add(_ secret: String) {
        guard secret.count >= 4, !secrets.contains(secret) else { return }
        secrets.append(secret)
        secrets.sort { $0.count > $1.count }
    }

    func clean(_ text: String) -> String {
        var out = text
        for s in secrets where out.contains(s) { out = out.replacingOccurrences(of: s, with: "***") }
        return out
    }
}
