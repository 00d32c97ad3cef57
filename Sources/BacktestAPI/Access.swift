import BacktestService
import Foundation
import HTTPServer
import Metrics

/// Authentication (bearer key or session cookie), the CSRF rule for cookies, and the rate limit
/// of `POST /backtests`. With no key in the catalog the server is single-user: every request is
/// the local owner's.
final class Access: Sendable {
    static let cookieName = "backtestd_session"

    let directory: KeyDirectory
    let limiter: any RateLimiting
    let limits: TierLimits
    let singleUserTier: KeyTier
    let secureCookies: Bool
    let clock: @Sendable () -> Double
    /// `backtest_rate_limited_requests_total` (a no-op counter without metrics).
    let rateLimited: Counter

    init(
        directory: KeyDirectory, limiter: any RateLimiting = InMemoryRateLimiter(), limits: TierLimits,
        singleUserTier: KeyTier = .admin, secureCookies: Bool = false,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        rateLimited: Counter = Counter(
            label: "backtest_rate_limited_requests_total", factory: NOOPMetricsHandler.instance)
    ) {
        self.rateLimited = rateLimited
        self.directory = directory
        self.limiter = limiter
        self.limits = limits
        self.singleUserTier = singleUserTier
        self.secureCookies = secureCookies
        self.clock = clock
    }

    /// The one answer to every missing, malformed, unknown or revoked credential.
    static let unauthorized = HTTPError(
        status: 401, code: "unauthorized", message: "a valid API key is required (Authorization: Bearer <key>)",
        headers: [("WWW-Authenticate", "Bearer")])

    /// Who sent `request`; 401 when keys exist and it proves no valid one.
    func authenticate(_ request: HTTPRequest) throws(HTTPError) -> Principal {
        guard directory.hasKeys else {
            return Principal(
                caller: .local, tier: singleUserTier, identity: nil, viaSession: false,
                rateSubject: "address:" + request.peer)
        }
        let identity: KeyDirectory.Identity
        let viaSession: Bool
        if let authorization = request.headers["Authorization"] {
            guard let key = Self.bearerToken(authorization), let found = directory.identity(forKey: key) else {
                throw Self.unauthorized
            }
            (identity, viaSession) = (found, false)
        } else if let session = Self.cookie(Self.cookieName, in: request),
            let found = directory.identity(forSession: session)
        {
            (identity, viaSession) = (found, true)
        } else {
            throw Self.unauthorized
        }
        let isAdmin = identity.tier == .admin
        return Principal(
            caller: Caller(
                owner: identity.owner, readsEveryOwner: isAdmin, readOwner: isAdmin ? request.query("owner") : nil),
            tier: identity.tier, identity: identity, viaSession: viaSession, rateSubject: "key:" + identity.keyID)
    }

    /// A browser's cookie is sent by any page that makes the browser ask: a state-changing request
    /// authenticated by it must carry a content type a cross-site form cannot send (JSON, or CSV
    /// for uploads) and, when the browser names an origin, ours.
    func checkCSRF(_ principal: Principal, _ request: HTTPRequest, allowedTypes: [String] = ["application/json"])
        throws(HTTPError)
    {
        guard principal.viaSession, !["GET", "HEAD"].contains(request.method) else { return }
        let type = request.headers["Content-Type"]?.lowercased() ?? ""
        guard allowedTypes.contains(where: { type.hasPrefix($0) }) else {
            throw HTTPError(
                status: 403, code: "forbidden",
                message: "a request authenticated by the session cookie must send Content-Type \(allowedTypes[0])")
        }
        if let origin = request.headers["Origin"], !WebSocketRoute.sameOriginOrNone(origin, request.headers["Host"]) {
            throw HTTPError(status: 403, code: "forbidden", message: "cross-origin request refused")
        }
    }

    /// The token of `Bearer <token>` (the scheme in any case, RFC 9110 §11.1).
    static func bearerToken(_ authorization: String) -> String? {
        let utf8 = authorization.utf8
        guard utf8.count > 7, utf8.prefix(7).elementsEqual("bearer ".utf8, by: { $0 | 0x20 == $1 }) else { return nil }
        return String(Substring(authorization.utf8.dropFirst(7)))
    }

    /// The value of cookie `name`, if sent.
    static func cookie(_ name: String, in request: HTTPRequest) -> String? {
        for header in request.headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The `Set-Cookie` value for a session (an empty id with `Max-Age=0` logs out).
    func sessionCookie(_ session: String) -> String {
        let lifetime = session.isEmpty ? 0 : Int(KeyDirectory.sessionLifetime)
        return "\(Self.cookieName)=\(session); Max-Age=\(lifetime); Path=/; HttpOnly; SameSite=Strict"
            + (secureCookies ? "; Secure" : "")
    }
}
