import BacktestService
import Foundation
import TestSupport
import Testing

/// Every route × every kind of credential: status and envelope.
@Suite struct AccessMatrixTests {
    struct Route {
        let method: String
        let path: String
        var body = ""
        var contentType: String? = "application/json"
    }

    @Test func everyRoute_answersEachCredentialAsSpecified() async throws {
        try await withRunningService(settings: {
            $0.rateFreePerHour = 0
            $0.maxActiveFree = 0
        }) { port, service in
            let alice = try makeKey(service, owner: "alice", tier: "free")
            let bob = try makeKey(service, owner: "bob", tier: "pro")
            let admin = try makeKey(service, owner: "root", tier: "admin")
            let revoked = try makeKey(service, owner: "carol", tier: "free")
            try service.revokeKey(APIKeyMaterial.prefix(revoked))
            let unknown = APIKeyMaterial.generate()

            // Alice's resources: a finished run, one to delete, a dataset.
            let run = try #require(
                try json(try call(port, "POST", "/backtests", body: seededGrid(1), headers: bearer(alice)))["run_id"]?
                    .string)
            _ = try waitUntilFinished(port, run, headers: bearer(alice))
            let doomed = try #require(
                try json(try call(port, "POST", "/backtests", body: seededGrid(2), headers: bearer(alice)))["run_id"]?
                    .string)
            let dataset = try #require(
                try json(
                    try call(
                        port, "POST", "/datasets?symbol=ALICE&timeframe=1d", body: tinyCSV, headers: bearer(alice),
                        contentType: "text/csv"))["dataset_id"]?.string)

            let owned: [Route] = [
                Route(method: "GET", path: "/runs/\(run)"), Route(method: "GET", path: "/runs/\(run)/results"),
                Route(method: "GET", path: "/runs/\(run)/trades"), Route(method: "GET", path: "/runs/\(run)/equity"),
                Route(method: "GET", path: "/runs/\(run)/events"), Route(method: "GET", path: "/runs/\(run)/artifacts"),
                Route(method: "GET", path: "/runs/\(run)/artifacts/results.csv"),
                Route(method: "GET", path: "/datasets/\(dataset)"),
                Route(method: "GET", path: "/datasets/\(dataset)/candles"),
                Route(method: "POST", path: "/runs/\(run)/cancel"), Route(method: "DELETE", path: "/runs/\(doomed)"),
            ]
            let shared: [Route] = [
                Route(method: "GET", path: "/runs"), Route(method: "GET", path: "/datasets"),
                Route(method: "GET", path: "/session"), Route(method: "POST", path: "/backtests", body: seededGrid(3)),
                Route(
                    method: "POST", path: "/datasets?symbol=ANY&timeframe=1d", body: tinyCSV, contentType: "text/csv"),
            ]
            let keyRoutes: [Route] = [
                Route(method: "GET", path: "/keys"),
                Route(method: "POST", path: "/keys", body: #"{"owner":"dave","tier":"free"}"#),
                Route(method: "DELETE", path: "/keys/key_0000000000000000"),
            ]
            func send(_ route: Route, _ headers: [String]) throws -> TestClient.Response {
                try call(
                    port, route.method, route.path, body: route.body, headers: headers, contentType: route.contentType)
            }

            // No key, a malformed one, an unknown one, a revoked one: one answer, whatever the route.
            var bodies = Set<String>()
            for headers in [
                [], ["Authorization: Bearer nope"], ["Authorization: Basic YTpi"], bearer(unknown), bearer(revoked),
            ] {
                for route in owned + shared + keyRoutes {
                    let response = try send(route, headers)
                    #expect(response.status == 401, "\(route.method) \(route.path) \(headers)")
                    #expect(response.header("WWW-Authenticate") == "Bearer")
                    bodies.insert(response.text)
                }
            }
            #expect(bodies.count == 1)
            #expect(bodies.first?.contains(#""code":"unauthorized""#) == true)

            // Another owner: Alice's resources are missing, exactly like missing ones.
            let missing = try call(port, "GET", "/runs/run_missing", headers: bearer(bob))
            #expect(missing.status == 404)
            for route in owned {
                let response = try send(route, bearer(bob))
                #expect(response.status == 404, "\(route.method) \(route.path)")
                #expect(try json(response)["error"]?["code"] == "not_found")
            }
            #expect(try json(try call(port, "GET", "/runs", headers: bearer(bob)))["total"] == .integer(0))
            let bobDatasets =
                try json(try call(port, "GET", "/datasets", headers: bearer(bob)))["datasets"]?.array ?? []
            #expect(!bobDatasets.contains { $0["dataset_id"]?.string == dataset })
            #expect(bobDatasets.contains { $0["symbol"] == "GOOG" })  // the public samples

            // The owner: everything answers.
            for route in owned + shared {
                let response = try send(route, bearer(alice))
                #expect((200...299).contains(response.status), "\(route.method) \(route.path) \(response.text)")
            }
            for route in keyRoutes {
                let response = try send(route, bearer(alice))
                #expect(response.status == 403, "\(route.method) \(route.path)")
                #expect(try json(response)["error"]?["code"] == "forbidden")
            }

            // The admin reads everyone's (and filters by owner), writes only its own, manages keys.
            #expect(try call(port, "GET", "/runs/\(run)", headers: bearer(admin)).status == 200)
            #expect(try call(port, "GET", "/runs/\(run)/results", headers: bearer(admin)).status == 200)
            #expect(try call(port, "GET", "/datasets/\(dataset)", headers: bearer(admin)).status == 200)
            let all = try json(try call(port, "GET", "/runs", headers: bearer(admin)))
            #expect((all["total"]?.integer ?? 0) >= 2)
            #expect(try json(try call(port, "GET", "/runs?owner=bob", headers: bearer(admin)))["total"] == .integer(0))
            #expect(try call(port, "POST", "/runs/\(run)/cancel", headers: bearer(admin)).status == 404)
            #expect(try call(port, "GET", "/keys", headers: bearer(admin)).status == 200)
            let created = try call(
                port, "POST", "/keys", body: #"{"owner":"dave","tier":"free"}"#, headers: bearer(admin))
            #expect(created.status == 201)
            let dave = try #require(try json(created)["key"]?.string)
            let daveID = try #require(try json(created)["id"]?.string)
            #expect(try call(port, "GET", "/runs", headers: bearer(dave)).status == 200)
            #expect(try call(port, "DELETE", "/keys/\(daveID)", headers: bearer(admin)).status == 204)
            #expect(try call(port, "GET", "/runs", headers: bearer(dave)).status == 401)
            let listed = try call(port, "GET", "/keys", headers: bearer(admin)).text
            #expect(!listed.contains(dave) && !listed.contains(alice))

            // Health and readiness need no key.
            #expect(try call(port, "GET", "/healthz").status == 200)
            #expect(try call(port, "GET", "/readyz").status == 200)
            // WebSocket: the key is checked before the upgrade.
            #expect(try TestClient(port: port).upgrade("/runs/\(run)/ws").status == 401)
            #expect(try TestClient(port: port).upgrade("/runs/\(run)/ws", extra: bearer(bob)).status == 404)
            #expect(try TestClient(port: port).upgrade("/runs/\(run)/ws", extra: bearer(alice)).status == 101)
        }
    }

    @Test func idempotency_isPerOwner() async throws {
        try await withRunningService(settings: { $0.maxActiveFree = 0 }) { port, service in
            let alice = try makeKey(service, owner: "alice", tier: "free")
            let bob = try makeKey(service, owner: "bob", tier: "free")
            let headersA = bearer(alice) + ["Idempotency-Key: same"]
            let headersB = bearer(bob) + ["Idempotency-Key: same"]
            let first = try call(port, "POST", "/backtests", body: smallGrid, headers: headersA)
            let second = try call(port, "POST", "/backtests", body: smallGrid, headers: headersB)
            #expect(first.status == 202 && second.status == 202)
            #expect(try json(first)["run_id"] != json(second)["run_id"])
            #expect(try json(first)["input_hash"] == json(second)["input_hash"])
            // Each owner's replay is answered from its own run.
            let replay = try call(port, "POST", "/backtests", body: smallGrid, headers: headersB)
            #expect(replay.status == 200)
            #expect(try json(replay)["run_id"] == json(second)["run_id"])
        }
    }
}
