import Glibc

/// The pause after `accept` fails for lack of resources: 100 ms, doubling to 1 s while failures
/// go on, back to 100 ms once the backlog drains. Tracks episodes so each is logged once.
struct AcceptBackoff {
    private var delay = 0.1
    private var failing = false

    /// errno values that mean "no descriptor or memory for a new socket now".
    static func isExhaustion(_ code: Int32) -> Bool {
        code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM
    }

    /// Another failure: how long to wait, and whether it starts an episode.
    mutating func failed() -> (delay: Double, firstInEpisode: Bool) {
        let current = delay
        delay = min(delay * 2, 1)
        defer { failing = true }
        return (current, !failing)
    }

    /// Accept found nothing more waiting; true when that ends an episode.
    mutating func recovered() -> Bool {
        guard failing else { return false }
        failing = false
        delay = 0.1
        return true
    }
}
