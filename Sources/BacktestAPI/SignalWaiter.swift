import Foundation
import Synchronization

/// SIGTERM and SIGINT, listened for from `install()` on.
///
/// Installed before the server accepts anything: on Linux a signal source needs a descriptor
/// (signalfd), and one registered while connections have used every descriptor would fail
/// silently, leaving SIGTERM ignored for good.
enum SignalWaiter {
    private struct State {
        var fired = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private static let state = Mutex(State())

    static func install() {
        let queue = DispatchQueue(label: "backtestd.signals")
        var sources: [DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { fire() }
            source.resume()
            sources.append(source)
        }
        SignalSources.keep(sources)
    }

    /// Suspends until one of the signals arrived (at once if it already did).
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let arrived = state.withLock { state -> Bool in
                if state.fired { return true }
                state.waiter = continuation
                return false
            }
            if arrived { continuation.resume() }
        }
    }

    private static func fire() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.fired else { return nil }
            state.fired = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}

/// Keeps the signal sources alive for the life of the process.
private enum SignalSources {
    nonisolated(unsafe) private static var retained: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { retained = sources }
}
