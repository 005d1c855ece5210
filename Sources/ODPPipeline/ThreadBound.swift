import Foundation

/// Carries a non-Sendable value (a `RowSource`, a `ReleaseWriter`) to the one thread that
/// uses it while the owner waits; the owner touches it again only after `join`.
struct ThreadBound<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
