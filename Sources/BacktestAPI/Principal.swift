import BacktestService

/// Who a request comes from, once authenticated: the service's `Caller`, the tier that sets its
/// limits, and how it proved itself.
struct Principal: Sendable {
    let caller: Caller
    let tier: KeyTier
    /// nil in single-user mode.
    let identity: KeyDirectory.Identity?
    /// Authenticated by the session cookie (so state-changing requests get the CSRF checks).
    let viaSession: Bool
    /// What the rate limit counts: the key, or the client address in single-user mode.
    let rateSubject: String

    /// The access log's view of it: the owner and the key's display prefix, never the key.
    var logFields: [(String, String)] {
        var fields = [("owner", caller.owner)]
        if let identity { fields.append(("key", identity.prefix)) }
        return fields
    }
}

/// The limits of each tier (0 = unlimited), from the settings.
struct TierLimits: Sendable {
    var perHour: [KeyTier: Int]
    var maxActive: [KeyTier: Int]

    func policy(_ tier: KeyTier) -> RatePolicy? {
        guard let quota = perHour[tier], quota > 0 else { return nil }
        return RatePolicy(name: "hourly", quota: quota, windowSeconds: 3600)
    }

    func activeQuota(_ tier: KeyTier) -> Int? {
        guard let quota = maxActive[tier], quota > 0 else { return nil }
        return quota
    }
}
