import Foundation

/// Runs `count` units of work on up to `jobs` threads, starting each unit in index order as
/// soon as the units it waits for have finished. Results land at their unit's index, so the
/// caller's order (and everything it writes from the results) is the same whatever `jobs` is.
///
/// With `jobs == 1` every unit runs on the calling thread, in order.
///
/// ## Preconditions
/// A unit waits only for units with a smaller index (the run order puts referenced datasets
/// first; members of a reference cycle, a definition error, wait for none).
struct DatasetPool<Result> {
    let jobs: Int
    /// Per unit: the indices of the units it waits for.
    let waitsFor: [[Int]]

    func run(_ work: @escaping @Sendable (Int) -> Result) -> [Result] {
        let count = waitsFor.count
        guard jobs > 1, count > 1 else { return (0..<count).map(work) }
        let board = Board(waitsFor: waitsFor)
        let done = DispatchGroup()
        for n in 0..<min(jobs, count) {
            done.enter()
            let thread = Thread {
                while let i = board.next() {
                    let result = work(i)
                    board.finish(i, result)
                }
                done.leave()
            }
            thread.name = "odp-dataset-\(n)"
            // Datasets parse and format whole batches on their worker: as much stack as a stage thread.
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return board.results()
    }

    /// Which units are waiting, running and finished, under one lock.
    private final class Board: @unchecked Sendable {
        private let condition = NSCondition()
        private let waitsFor: [[Int]]
        private var started: [Bool]
        private var finished: [Bool]
        private var slots: [Result?]
        /// Every unit below it has started.
        private var cursor = 0

        init(waitsFor: [[Int]]) {
            self.waitsFor = waitsFor
            started = Array(repeating: false, count: waitsFor.count)
            finished = started
            slots = Array(repeating: nil, count: waitsFor.count)
        }

        /// The first unit in order whose waits are over, blocking while none is; nil when every
        /// unit has started.
        func next() -> Int? {
            condition.lock()
            defer { condition.unlock() }
            while true {
                while cursor < started.count && started[cursor] { cursor += 1 }
                guard cursor < started.count else { return nil }
                if let i = (cursor..<started.count).first(where: { !started[$0] && waitsFor[$0].allSatisfy { finished[$0] } }) {
                    started[i] = true
                    return i
                }
                condition.wait()
            }
        }

        func finish(_ i: Int, _ result: Result) {
            condition.lock()
            slots[i] = result
            finished[i] = true
            condition.broadcast()
            condition.unlock()
        }

        func results() -> [Result] {
            condition.lock()
            defer { condition.unlock() }
            return slots.map { $0! }
        }
    }
}
