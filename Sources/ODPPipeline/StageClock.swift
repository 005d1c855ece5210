import Foundation

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
