import Foundation

/// A stage running on a thread of its own, so reading, checking and writing overlap. The
/// body gets its own `StageClock`; `join` waits for the thread and returns the clock and the
/// error the body threw, if any.
final class StageThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var clock = StageClock()
    private var failure: Error?

    init(name: String, _ body: @escaping @Sendable (inout StageClock) throws -> Void) {
        let thread = Thread { [self] in
            do { try body(&clock) } catch { failure = error }
            done.signal()
        }
        thread.name = name
        // The thread parses or formats whole batches: give it room beyond the 512 KiB default.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the body to return. Call exactly once.
    func join() -> (clock: StageClock, error: Error?) {
        done.wait()
        return (clock, failure)
    }
}
