import Dispatch
import Foundation
import Glibc

/// A SIGTERM or SIGINT that asked a run to stop. The run abandons the dataset in progress
/// (its temporary release is removed, nothing half-made is visible), starts no other, writes
/// the run report and an audit entry, and exits 128 + the signal number (143, 130).
public struct RunSignal: Sendable, Equatable {
    public let number: Int32

    public var name: String { number == SIGINT ? "SIGINT" : number == SIGTERM ? "SIGTERM" : "signal \(number)" }
    /// The shell's convention for a process ended by a signal.
    public var exitCode: Int32 { 128 + number }
}

/// Thrown inside a dataset's run when a stop was asked for: the dataset is abandoned.
struct RunStopped: Error, CustomStringConvertible {
    let signal: RunSignal
    var description: String { "interrupted by \(signal.name) 运行被中断" }
}

/// Catches SIGTERM and SIGINT for the length of a run, instead of dying mid-write.
/// Checked between batches and between stages; a second signal is no different from the
/// first (the run is already stopping at the next check).
public final class RunStopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var received: RunSignal?
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    /// The signal that asked to stop, if one did.
    public var signal: RunSignal? {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Asks the run to stop as if `signal` had arrived (also used by the handlers).
    public func stop(_ signal: RunSignal) {
        lock.lock()
        if received == nil { received = signal }
        lock.unlock()
    }

    /// Throws `RunStopped` when a stop was asked for.
    func check() throws {
        if let signal { throw RunStopped(signal: signal) }
    }

    /// Installs the handlers; the default action is restored by `uninstall`.
    public func install() {
        for number in [SIGTERM, SIGINT] {
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.stop(RunSignal(number: number)) }
            source.resume()
            sources.append(source)
        }
    }

    public func uninstall() {
        for source in sources { source.cancel() }
        sources = []
        Glibc.signal(SIGTERM, SIG_DFL)
        Glibc.signal(SIGINT, SIG_DFL)
    }
}
