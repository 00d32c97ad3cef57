import BacktestService
import Foundation
import Synchronization
import TestSupport
import Testing

/// A clock tests move by hand.
final class FakeClock: Sendable {
    let seconds = Mutex<Double>(1_800_000_000)
    var now: @Sendable () -> Double { { [self] in seconds.withLock { $0 } } }
    func advance(_ delta: Double) { seconds.withLock { $0 += delta } }
}

@Suite struct SessionAndLimitTests {
    @Test func sessionCookie_authenticatesLikeTheKey_withCSRFRules_andLogsOut() async throws {
        try await withRunningService(settings: { $0.maxActiveFree = 0 }) { port, service in
            let key = try makeKey(service, owner: "alice", tier: "free")
            #expect(try call(port, "POST", "/session", body: #"{"key":"bt_wrong"}"#).status == 401)
            #expect(
                try call(port, "POST", "/session", body: #"{"key":"\#(key)"}"#, contentType: "text/plain").status == 415
            )
            let login = try call(port, "POST", "/session", body: #"{"key":"\#(key)"}"#)
            #expect(login.status == 204)
            let cookie = try #require(login.header("Set-Cookie"))
            #expect(cookie.hasPrefix("backtestd_session="))
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
                #expect(cookie.contains(attribute), "\(attribute)")
            }
            #expect(!cookie.contains("Secure"))
            #expect(!cookie.contains(key))
            let session = "Cookie: " + String(cookie.split(separator: ";")[0])
            let me = try json(try call(port, "GET", "/session", headers: [session]))
            #expect(me["owner"] == "alice" && me["via"] == "session" && me["mode"] == "keys")
            #expect(try call(port, "GET", "/runs", headers: [session]).status == 200)
            // CSRF: a write by cookie needs JSON and, when an Origin is sent, ours.
            #expect(
                try call(port, "POST", "/backtests", body: seededGrid(1), headers: [session], contentType: "text/plain")
                    .status == 403)
            #expect(
                try call(
                    port, "POST", "/backtests", body: seededGrid(1), headers: [session, "Origin: http://evil.example"]
                )
                .status == 403)
            #expect(
                try call(port, "POST", "/backtests", body: seededGrid(1), headers: [session, "Origin: http://test"])
                    .status == 202)
            #expect(try call(port, "DELETE", "/runs/run_missing", headers: [session]).status == 403)  // no JSON type
            // The same request with the key in the header is not a browser's: no CSRF rule.
            #expect(
                try call(port, "POST", "/backtests", body: seededGrid(2), headers: bearer(key), contentType: nil).status
                    == 202)
            // Logout ends the session.
            let logout = try call(port, "DELETE", "/session", headers: [session])
            #expect(logout.status == 204)
            #expect(logout.header("Set-Cookie")?.contains("Max-Age=0") == true)
            #expect(try call(port, "GET", "/runs", headers: [session]).status == 401)
            // A session dies with its key.
            let again = try #require(
                try call(port, "POST", "/session", body: #"{"key":"\#(key)"}"#).header("Set-Cookie"))
            let second = "Cookie: " + String(again.split(separator: ";")[0])
            #expect(try call(port, "GET", "/runs", headers: [second]).status == 200)
            try service.revokeKey(APIKeyMaterial.prefix(key))
            #expect(try call(port, "GET", "/runs", headers: [second]).status == 401)
        }
    }

    @Test func secureCookies_behindTLS() async throws {
        try await withRunningService(settings: { $0.behindTLS = true }) { port, service in
            let key = try makeKey(service, owner: "alice", tier: "free")
            let login = try call(port, "POST", "/session", body: #"{"key":"\#(key)"}"#)
            #expect(login.header("Set-Cookie")?.hasSuffix("; Secure") == true)
        }
    }

    @Test func rateLimit_atNAndNPlusOne_replaysFree_resetsWithTheClock() async throws {
        let clock = FakeClock()
        try await withRunningService(settings: { $0.maxActiveFree = 0 }, clock: clock.now) { port, service in
            let key = try makeKey(service, owner: "alice", tier: "free")
            for seed in 1...10 {
                let response = try call(port, "POST", "/backtests", body: seededGrid(seed), headers: bearer(key))
                #expect(response.status == 202)
                #expect(response.header("RateLimit-Policy") == #""hourly";q=10;w=3600"#)
                #expect(response.header("RateLimit")?.hasPrefix(#""hourly";r=\#(10 - seed);t="#) == true)
            }
            let over = try call(port, "POST", "/backtests", body: seededGrid(11), headers: bearer(key))
            #expect(over.status == 429)
            #expect(try json(over)["error"]?["code"] == "rate_limited")
            #expect(try json(over)["error"]?["retryable"] == .bool(true))
            #expect(over.header("Retry-After") == "360")
            #expect(over.header("RateLimit") == #""hourly";r=0;t=3600"#)
            // A replay is answered, and costs nothing.
            let replay = try call(port, "POST", "/backtests", body: seededGrid(1), headers: bearer(key))
            #expect(replay.status == 200)
            #expect(try json(replay)["status"] == "EXISTS")
            #expect(replay.header("RateLimit") == #""hourly";r=0;t=3600"#)
            // One emission interval later, one more.
            clock.advance(359)
            #expect(try call(port, "POST", "/backtests", body: seededGrid(11), headers: bearer(key)).status == 429)
            clock.advance(1)
            #expect(try call(port, "POST", "/backtests", body: seededGrid(11), headers: bearer(key)).status == 202)
            // Another key has its own budget; admin has none.
            let admin = try makeKey(service, owner: "root", tier: "admin")
            let unlimited = try call(port, "POST", "/backtests", body: seededGrid(12), headers: bearer(admin))
            #expect(unlimited.status == 202 && unlimited.header("RateLimit") == nil)
        }
    }

    @Test func singleUserMode_limitsPerAddress_whenItsTierSaysSo() async throws {
        try await withRunningService(settings: {
            $0.singleUserTier = "free"
            $0.rateFreePerHour = 2
            $0.maxActiveFree = 0
        }) { port, _ in
            #expect(try call(port, "POST", "/backtests", body: seededGrid(1)).status == 202)
            #expect(try call(port, "POST", "/backtests", body: seededGrid(2)).status == 202)
            let over = try call(port, "POST", "/backtests", body: seededGrid(3))
            #expect(over.status == 429)
            #expect(over.header("RateLimit-Policy") == #""hourly";q=2;w=3600"#)
        }
    }

    @Test func concurrencyQuota_queuedPlusRunning() async throws {
        try await withRunningService(configure: { $0.workers = 1 }, settings: { $0.rateFreePerHour = 0 }) {
            port, service in
            let key = try makeKey(service, owner: "alice", tier: "free")
            try uploadWalk(port, headers: bearer(key))
            let busy = try #require(
                try json(try call(port, "POST", "/backtests", body: walkGrid, headers: bearer(key)))["run_id"]?.string)
            try waitUntilStatus(port, busy, "RUNNING", headers: bearer(key))
            #expect(try call(port, "POST", "/backtests", body: seededGrid(1), headers: bearer(key)).status == 202)
            let third = try call(port, "POST", "/backtests", body: seededGrid(2), headers: bearer(key))
            #expect(third.status == 429)
            #expect(try json(third)["error"]?["message"]?.string?.contains("concurrency quota") == true)
            // Someone else is not held back by Alice's runs.
            let bob = try makeKey(service, owner: "bob", tier: "free")
            #expect(try call(port, "POST", "/backtests", body: seededGrid(2), headers: bearer(bob)).status == 202)
            _ = try call(port, "POST", "/runs/\(busy)/cancel", headers: bearer(key))
        }
    }
}
