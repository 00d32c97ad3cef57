import BacktestAPI
import BacktestService
import Foundation
import TestSupport

/// A second node on `catalogURL`, from blocking code.
func withSecondNode(
    catalogURL: String, settings: @escaping @Sendable (inout Settings) -> Void = { _ in },
    clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
    _ body: @escaping @Sendable (UInt16, BacktestService) throws -> Void
) throws {
    let done = DispatchSemaphore(value: 0)
    let failure = NodeTexts()
    Task {
        do {
            try await withRunningService(configure: { $0.catalogURL = catalogURL }, settings: settings, clock: clock) {
                port, service in
                try body(port, service)
            }
        } catch {
            failure.set(-1, "\(error)")
        }
        done.signal()
    }
    done.wait()
    if let message = failure.get(-1) { throw TestClient.Failure(message: message) }
}

/// Strings gathered across threads, by index.
final class NodeTexts: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int: String] = [:]
    func set(_ index: Int, _ text: String) { lock.withLock { stored[index] = text } }
    func get(_ index: Int) -> String? { lock.withLock { stored[index] } }
}
