import Foundation

/// A value behind a lock: the one lock type of the project (a small portable stand-in for
/// `Synchronization.Mutex`, which needs macOS 15). Everything shared between threads (worker
/// queues, result slots, progress, output buffers) keeps its state in one of these.
public final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with the value, the lock held.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
