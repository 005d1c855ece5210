import Foundation

/// Progress and retry notes. Messages pass through the redactor before anyone sees them.
final class PublishLog: @unchecked Sendable {
    private let lock = NSLock()
    private let redactor: Redactor
    private let sink: (@Sendable (String) -> Void)?
    private(set) var lines: [String] = []

    init(redactor: Redactor, sink: (@Sendable (String) -> Void)?) {
        self.redactor = redactor
        self.sink = sink
    }

    func note(_ message: String) {
        let clean = redactor.clean(message)
        lock.lock()
        lines.append(clean)
        lock.unlock()
        sink?(clean)
    }
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
