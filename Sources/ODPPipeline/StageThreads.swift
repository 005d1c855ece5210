import Foundation

/// A bounded hand-off between two threads: `put` blocks while the queue is full, `take`
/// while it is empty. Either side may `close` it; after that `put` refuses and `take`
/// drains what is left, then answers nil. The bound keeps memory flat whatever the speeds.
final class HandOff<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// False when the queue was closed (the consumer gave up): the producer should stop.
    @discardableResult
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

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

/// Carries a non-Sendable value (a `RowSource`, a `ReleaseWriter`) to the one thread that
/// uses it while the owner waits; the owner touches it again only after `join`.
struct ThreadBound<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Accumulates wall time per stage with a monotonic clock (cheap enough per batch). Each
/// thread keeps its own; `merge` adds them up, so a stage's figure is its busy time.
struct StageClock {
    private(set) var seconds: [String: Double] = [:]

    mutating func time<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        defer {
            var end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &end)
            add(stage, Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9)
        }
        return try body()
    }

    mutating func add(_ stage: String, _ elapsed: Double) {
        seconds[stage, default: 0] += elapsed
    }

    mutating func merge(_ other: StageClock) {
        seconds.merge(other.seconds, uniquingKeysWith: +)
    }
}
