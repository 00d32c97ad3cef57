import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// Routes shared by the live tests.
func testRoutes(_ builder: inout RouterBuilder) {
    builder.add("GET", "/healthz", .immediate { _ in .json(#"{"status":"ok"}"#) })
    builder.get("/sleep/{ms}") { request in
        let milliseconds = UInt64(request.parameters["ms"] ?? "0") ?? 0
        try await Task.sleep(nanoseconds: milliseconds * 1_000_000)
        return .json(#"{"slept":\#(milliseconds)}"#)
    }
    builder.post("/echo") { request in HTTPResponse(status: 200, body: .bytes(request.body)) }
    builder.get("/items/{id}") { request in .json(#"{"id":"\#(request.parameters["id"] ?? "")"}"#) }
}

@Suite struct HTTPServerLiveTests {
    @Test func server_reusesKeepAliveConnection() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            for index in 0..<3 {
                try client.send(rawRequest("/items/\(index)"))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == #"{"id":"\#(index)"}"#)
                #expect(response.header("Connection") == nil)
                #expect(response.header("Date") != nil)
                #expect(response.header("Server") == "backtestd")
            }
        }
    }

    @Test func server_answersPipelinedRequestsInOrder() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            // The first takes longest: responses must still come back in request order.
            try client.send(
                rawRequest("/sleep/150") + rawRequest("/sleep/50") + rawRequest("/healthz") + rawRequest("/sleep/0"))
            #expect(try client.readResponse().text == #"{"slept":150}"#)
            #expect(try client.readResponse().text == #"{"slept":50}"#)
            #expect(try client.readResponse().text == #"{"status":"ok"}"#)
            #expect(try client.readResponse().text == #"{"slept":0}"#)
        }
    }

    @Test func server_pausesReadingPastThePipelineLimitAndStillAnswersAllInOrder() async throws {
        try await withRunningServer(configure: { $0.maxPipelinedRequests = 4 }, routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send((0..<40).map { rawRequest("/items/\($0)") }.joined())
            for index in 0..<40 { #expect(try client.readResponse().text == #"{"id":"\#(index)"}"#) }
        }
    }

    @Test func server_times408OutAClientThatStallsMidBody() async throws {
        try await withRunningServer(configure: { $0.idleTimeout = 0.5 }, routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab")
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(client.isClosedByPeer())
        }
    }

    @Test func server_headAnswersHeadersWithSameContentLength() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send(rawRequest("HEAD", "/healthz"))
            let head = try client.readResponse(head: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "15")
            try client.send(rawRequest("/healthz"))
            #expect(try client.readResponse().text == #"{"status":"ok"}"#)
        }
    }

    @Test func server_echoesOrGeneratesRequestID() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send(rawRequest("/healthz", headers: ["X-Request-Id: abc-123"]))
            #expect(try client.readResponse().header("X-Request-Id") == "abc-123")
            try client.send(rawRequest("/healthz"))
            #expect(try client.readResponse().header("X-Request-Id")?.isEmpty == false)
        }
    }

    @Test func server_routesErrorsAsJSONEnvelopes() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send(rawRequest("/missing"))
            let missing = try client.readResponse()
            #expect(missing.status == 404)
            #expect(missing.text.contains(#""code":"not_found""#))
            try client.send(rawRequest("DELETE", "/healthz"))
            let wrongMethod = try client.readResponse()
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "GET, HEAD")
        }
    }

    @Test func server_closesAfterConnectionCloseAndHTTP10() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send(rawRequest("/healthz", headers: ["Connection: close"]))
            let response = try client.readResponse()
            #expect(response.header("Connection") == "close")
            #expect(client.isClosedByPeer())
            let old = try TestClient(port: server.port)
            try old.send("GET /healthz HTTP/1.0\r\n\r\n")
            #expect(try old.readResponse().status == 200)
            #expect(old.isClosedByPeer())
        }
    }

    @Test func server_sends100ContinueThenTheResponse() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send("hello")
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test func server_refusesOversizedBodyWith413BeforeReadingIt() async throws {
        try await withRunningServer(configure: { $0.limits.maxBodyBytes = 1024 }, routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            #expect(response.text.contains("payload_too_large"))
        }
    }

    @Test func server_answers431And414AndClosesForMalformedInput() async throws {
        try await withRunningServer(
            configure: {
                $0.limits.maxHeaderBytes = 256; $0.limits.maxRequestLineBytes = 64
            }, routes: testRoutes
        ) {
            server in
            let big = try TestClient(port: server.port)
            try big.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "a", count: 300) + "\r\n\r\n")
            #expect(try big.readResponse().status == 431)
            #expect(big.isClosedByPeer())
            let long = try TestClient(port: server.port)
            try long.send("GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try long.readResponse().status == 414)
            let bad = try TestClient(port: server.port)
            try bad.send("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
            #expect(try bad.readResponse().status == 400)
        }
    }

    @Test func server_times408OutASlowHeaderClientAndCloses() async throws {
        try await withRunningServer(configure: { $0.headerTimeout = 0.5 }, routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n")
            let started = Date()
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(Date().timeIntervalSince(started) < 3)
            #expect(client.isClosedByPeer())
        }
    }

    @Test func server_closesIdleKeepAliveConnections() async throws {
        try await withRunningServer(configure: { $0.idleTimeout = 0.5 }, routes: testRoutes) { server in
            let client = try TestClient(port: server.port)
            try client.send(rawRequest("/healthz"))
            #expect(try client.readResponse().status == 200)
            #expect(client.isClosedByPeer())
        }
    }

    @Test func server_survivesClientDisconnectingMidBody() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            do {
                let client = try TestClient(port: server.port)
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part")
            }
            Thread.sleep(forTimeInterval: 0.2)
            #expect(server.openConnections == 0)
            let next = try TestClient(port: server.port)
            try next.send(rawRequest("/healthz"))
            #expect(try next.readResponse().status == 200)
        }
    }

    @Test func server_answersAThousandConcurrentConnections() async throws {
        try await withRunningServer(routes: testRoutes) { server in
            let clients = try (0..<1000).map { _ in try TestClient(port: server.port) }
            for (index, client) in clients.enumerated() { try client.send(rawRequest("/items/\(index)")) }
            var answered = 0
            for (index, client) in clients.enumerated() where try client.readResponse().text == #"{"id":"\#(index)"}"# {
                answered += 1
            }
            #expect(answered == 1000)
        }
    }

    @Test func server_rejectsConnectionsOverTheLimit() async throws {
        try await withRunningServer(
            configure: {
                $0.maxConnections = 2; $0.eventLoops = 1
            }, routes: testRoutes
        ) { server in
            let first = try TestClient(port: server.port)
            let second = try TestClient(port: server.port)
            try first.send(rawRequest("/healthz"))
            try second.send(rawRequest("/healthz"))
            #expect(try first.readResponse().status == 200)
            #expect(try second.readResponse().status == 200)
            let third = try TestClient(port: server.port)
            #expect(third.isClosedByPeer())
        }
    }

    @Test func server_finishesInFlightRequestOnGracefulShutdown() async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        var builder = RouterBuilder()
        testRoutes(&builder)
        let server = try HTTPServer(configuration: configuration, router: builder.build())
        let client = try TestClient(port: server.port)
        let idle = try TestClient(port: server.port)
        try client.send(rawRequest("/sleep/300"))
        try await Task.sleep(nanoseconds: 50_000_000)
        let started = Date()
        await server.shutdown()
        #expect(Date().timeIntervalSince(started) >= 0.2)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(idle.isClosedByPeer())
        #expect(throws: (any Error).self) { try TestClient(port: server.port) }
    }
}
