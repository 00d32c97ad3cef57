import BacktestAPI
import BacktestService
import Foundation
import TestSupport
import Testing

/// What holds across nodes because it lives in the catalog (PostgreSQL, two in-process nodes on
/// one database): the rate limit of `POST /backtests`, keys, sessions and their revocation.
@Suite(.serialized) struct CrossNodeAccessTests {
    /// Quota 3 an hour for the key, spent alternately through A and B: 3 accepted across both,
    /// the 4th denied with Retry-After on either node (the emission interval, 1200 s).
    @Test func rateLimit_isOneQuotaAcrossNodes_atNAndNPlusOne() async throws {
        let clock = FakeClock()
        try await withTwoKeyedNodes(clock: clock) { portA, portB, key, _ in
            for (seed, port) in zip(1...3, [portA, portB, portA]) {
                let response = try call(port, "POST", "/backtests", body: seededGrid(seed), headers: bearer(key))
                #expect(response.status == 202, "submission \(seed)")
                #expect(response.header("RateLimit") == #""hourly";r=\#(3 - seed);t=\#(1200 * seed)"#)
            }
            for port in [portB, portA] {
                let denied = try call(port, "POST", "/backtests", body: seededGrid(4), headers: bearer(key))
                #expect(denied.status == 429)
                #expect(denied.header("Retry-After") == "1200")
                #expect(try json(denied)["error"]?["code"] == "rate_limited")
            }
            // One emission interval later, one more is allowed — through either node — and no more.
            clock.advance(1200)
            #expect(try call(portB, "POST", "/backtests", body: seededGrid(5), headers: bearer(key)).status == 202)
            #expect(try call(portA, "POST", "/backtests", body: seededGrid(6), headers: bearer(key)).status == 429)
        }
    }

    /// A key made on A works on B; a session opened on B works on A; revoking the key on A ends
    /// both the key and the session on B (within the key snapshot's refresh).
    @Test func keysSessionsAndRevocation_holdAcrossNodes() async throws {
        try await withTwoKeyedNodes(clock: FakeClock()) { portA, portB, key, serviceA in
            #expect(try call(portB, "GET", "/runs", headers: bearer(key)).status == 200)
            let login = try call(portB, "POST", "/session", body: #"{"key":"\#(key)"}"#)
            #expect(login.status == 204)
            let cookie = try #require(login.header("Set-Cookie"))
            let session = "Cookie: " + String(cookie.split(separator: ";")[0])
            #expect(try json(try call(portA, "GET", "/session", headers: [session]))["owner"] == "alice")
            try serviceA.revokeKey(APIKeyMaterial.prefix(key))
            #expect(try waitForStatus(401) { try call(portB, "GET", "/runs", headers: bearer(key)) })
            #expect(try call(portB, "GET", "/runs", headers: [session]).status == 401)
            #expect(try call(portA, "GET", "/runs", headers: [session]).status == 401)
        }
    }
}

/// Polls `request` for up to 5 s until it answers `status`.
private func waitForStatus(_ status: Int, _ request: () throws -> TestClient.Response) throws -> Bool {
    let deadline = Date().addingTimeInterval(5)
    while Date() < deadline {
        if try request().status == status { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

/// Two nodes on a fresh database, free tier limited to 3 an hour, both on `clock`; a free key
/// for alice made on A and already known to B.
private func withTwoKeyedNodes(
    clock: FakeClock, _ test: String = #function,
    _ body: @escaping @Sendable (UInt16, UInt16, String, BacktestService) throws -> Void
) async throws {
    try await withPostgresDatabase(test) { url, _, _ in
        let settings: @Sendable (inout Settings) -> Void = {
            $0.rateFreePerHour = 3
            $0.maxActiveFree = 0
        }
        try await withRunningService(configure: { $0.catalogURL = url }, settings: settings, clock: clock.now) {
            portA, serviceA in
            let key = try makeKey(serviceA, owner: "alice", tier: "free")
            try withSecondNode(catalogURL: url, settings: settings, clock: clock.now) { portB, _ in
                let deadline = Date().addingTimeInterval(5)
                while Date() < deadline, try call(portB, "GET", "/runs", headers: bearer(key)).status != 200 {
                    Thread.sleep(forTimeInterval: 0.05)
                }
                try body(portA, portB, key, serviceA)
            }
        }
    }
}
