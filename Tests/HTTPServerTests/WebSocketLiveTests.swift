import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// Routes for the live tests: an echo, one that refuses, one that checks the origin and picks a
/// subprotocol, and one that floods (for back-pressure).
func webSocketRoutes(_ builder: inout RouterBuilder, sent: Counter = Counter()) {
    builder.webSocket(
        "/echo",
        WebSocketRoute { _ in
            { socket in
                while let message = await socket.receive() { try await socket.send(message) }
            }
        })
    builder.webSocket("/refused", WebSocketRoute { _ in throw HTTPError.notFound("nothing here") })
    builder.webSocket(
        "/picky",
        WebSocketRoute(
            originAllowed: { origin, _ in origin == nil || origin == "http://good.example" },
            selectSubprotocol: { $0.first { $0 == "v2.progress" } },
            accept: { _ in { socket in try await socket.send(text: socket.subprotocol ?? "none") } }))
    builder.webSocket(
        "/flood",
        WebSocketRoute { _ in
            { socket in
                let chunk = [UInt8](repeating: 0x2A, count: 64 * 1024)
                for _ in 0..<1024 {
                    try await socket.send(.binary(chunk))
                    sent.value.wrappingAdd(1, ordering: .relaxed)
                }
            }
        })
    builder.webSocket(
        "/closer",
        WebSocketRoute { _ in
            { socket in socket.close(code: 4000, reason: "done here") }
        })
}

@Suite struct WebSocketLiveTests {
    @Test func handshake_switchesProtocols_andEchoes_evenFramesSentWithTheHandshake() async throws {
        try await withRunningServer(routes: { webSocketRoutes(&$0) }) { server in
            let client = try TestClient(port: server.port)
            let handshake =
                rawRequest(
                    "/echo",
                    headers: [
                        "Upgrade: websocket", "Connection: keep-alive, Upgrade",
                        "Sec-WebSocket-Key: \(TestClient.sampleKey)",
                        "Sec-WebSocket-Version: 13",
                        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
                    ])
            // The first frame rides in the same packet as the handshake.
            try client.send(Array(handshake.utf8) + clientFrame(Op.text, "early"))
            let response = try client.readResponse()
            #expect(response.status == 101)
            #expect(response.header("Upgrade") == "websocket")
            #expect(response.header("Connection") == "Upgrade")
            #expect(response.header("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            #expect(response.header("Sec-WebSocket-Extensions") == nil)  // deflate declined
            #expect(response.header("Content-Length") == nil)
            #expect(try client.readFrame().text == "early")
            try client.send(clientFrame(Op.binary, [0, 1, 2, 255]))
            let binary = try client.readFrame()
            #expect(binary.opcode == Op.binary && binary.payload == [0, 1, 2, 255] && binary.fin)
        }
    }

    @Test func handshakeErrors_areHTTPResponses() async throws {
        try await withRunningServer(routes: { webSocketRoutes(&$0) }) { server in
            // A plain GET: 426, and the connection stays usable.
            let plain = try TestClient(port: server.port)
            try plain.send(rawRequest("/echo"))
            let upgradeRequired = try plain.readResponse()
            #expect(upgradeRequired.status == 426)
            #expect(upgradeRequired.header("Upgrade") == "websocket")
            try plain.send(rawRequest("/echo"))
            #expect(try plain.readResponse().status == 426)

            let version = try TestClient(port: server.port).upgrade(
                "/echo",
                headers: [
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(TestClient.sampleKey)",
                    "Sec-WebSocket-Version: 8",
                ])
            #expect(version.status == 426)
            #expect(version.header("Sec-WebSocket-Version") == "13")

            for key in ["short", "dGhlIHNhbXBsZSBub25jZQ", "!!!!!!!!!!!!!!!!!!!!!!=="] {
                let badKey = try TestClient(port: server.port).upgrade(
                    "/echo",
                    headers: [
                        "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(key)",
                        "Sec-WebSocket-Version: 13",
                    ])
                #expect(badKey.status == 400, "\(key)")
            }
            let refusedClient = try TestClient(port: server.port)
            let refused = try refusedClient.upgrade("/refused")
            #expect(refused.status == 404)
            #expect(refused.header("Connection") == "close")
            #expect(refusedClient.isClosedByPeer())

            #expect(
                try TestClient(port: server.port).upgrade("/picky", extra: ["Origin: http://evil.example"]).status
                    == 403)
        }
    }

    @Test func subprotocol_isNegotiatedByTheRoute() async throws {
        try await withRunningServer(routes: { webSocketRoutes(&$0) }) { server in
            let client = try TestClient(port: server.port)
            let response = try client.upgrade(
                "/picky", extra: ["Origin: http://good.example", "Sec-WebSocket-Protocol: v1.progress, v2.progress"])
            #expect(response.status == 101)
            #expect(response.header("Sec-WebSocket-Protocol") == "v2.progress")
            #expect(try client.readFrame().text == "v2.progress")
            let none = try TestClient(port: server.port)
            let plain = try none.upgrade("/picky", extra: ["Sec-WebSocket-Protocol: v9"])
            #expect(plain.header("Sec-WebSocket-Protocol") == nil)
            #expect(try none.readFrame().text == "none")
        }
    }

    @Test func unmaskedClientFrame_getsClose1002_andTheConnectionEnds() async throws {
        try await withRunningServer(routes: { webSocketRoutes(&$0) }) { server in
            let client = try TestClient(port: server.port)
            #expect(try client.upgrade("/echo").status == 101)
            try client.send(clientFrame(Op.text, Array("x".utf8), masked: false))
            let close = try client.readFrame()
            #expect(close.opcode == Op.close)
            #expect(close.closeCode == 1002)
            #expect(client.isClosedByPeer())
        }
    }

    @Test func messagesBeforeABadFrame_areAnsweredBeforeTheClose() async throws {
        try await withRunningServer(routes: { webSocketRoutes(&$0) }) { server in
            let client = try TestClient(port: server.port)
            #expect(try client.upgrade("/echo").status == 101)
            try client.send(clientFrame(Op.text, "first") + clientFrame(Op.text, [0x61], rsv: 2))
            #expect(try client.readFrame().text == "first")
            #expect(try client.readFrame().closeCode == 1002)
            #expect(client.isClosedByPeer())
        }
    }

    @Test func fragmentsWithPingsBetween_getPongsThenTheWholeMessage() async throws {
        try await withRunningServer(routes: { webSocketRoutes(&$0) }) { server in
            let client = try TestClient(port: server.port)
            #expect(try client.upgrade("/echo").status == 101)
            try client.send(clientFrame(Op.text, "Hello, ", fin: false))
            try client.send(clientFrame(Op.ping, Array("are you there".utf8)))
            try client.send(clientFrame(Op.continuation, "world", fin: true))
            let pong = try client.readFrame()
            #expect(pong.opcode == Op.pong && pong.text == "are you there")
            let message = try client.readFrame()
            #expect(message.opcode == Op.text && message.text == "Hello, world")
        }
    }

    @Test func clientClose_isEchoed_andTheServerClosesTheConnection() async throws {
        try await withRunningServer(routes: { webSocketRoutes(&$0) }) { server in
            let client = try TestClient(port: server.port)
            #expect(try client.upgrade("/echo").status == 101)
            try client.send(clientFrame(Op.close, closePayload(1000, "bye")))
            let close = try client.readFrame()
            #expect(close.opcode == Op.close && close.closeCode == 1000)
            #expect(client.isClosedByPeer())
            // Without a code the reply has none either.
            let bare = try TestClient(port: server.port)
            #expect(try bare.upgrade("/echo").status == 101)
            try bare.send(clientFrame(Op.close, []))
            #expect(try bare.readFrame().payload.isEmpty)
        }
    }

    @Test func messageLimit_atNAndNPlusOne_live() async throws {
        try await withRunningServer(
            configure: { $0.webSocket.limits = .init(maxFrameBytes: 1000, maxMessageBytes: 1000) },
            routes: { webSocketRoutes(&$0) }
        ) { server in
            let client = try TestClient(port: server.port)
            #expect(try client.upgrade("/echo").status == 101)
            let fits = [UInt8](repeating: 3, count: 1000)
            try client.send(clientFrame(Op.binary, fits))
            #expect(try client.readFrame().payload == fits)
            try client.send(clientFrame(Op.binary, fits + [3]))
            #expect(try client.readFrame().closeCode == 1009)
        }
    }

    @Test func serverPingsAnIdlePeer_andDropsItWhenThePongIsMissed() async throws {
        try await withRunningServer(
            configure: {
                $0.webSocket.pingInterval = 0.3
                $0.webSocket.pongTimeout = 0.5
            }, routes: { webSocketRoutes(&$0) }
        ) { server in
            let answering = try TestClient(port: server.port, timeout: 5)
            #expect(try answering.upgrade("/echo").status == 101)
            let silent = try TestClient(port: server.port, timeout: 5)
            #expect(try silent.upgrade("/echo").status == 101)
            // The answering peer stays connected across several ping intervals.
            for _ in 0..<3 {
                let ping = try answering.readFrame()
                #expect(ping.opcode == Op.ping)
                try answering.send(clientFrame(Op.pong, ping.payload))
            }
            try answering.send(clientFrame(Op.text, "still here"))
            #expect(try answering.readFrame().text == "still here")
            // The silent one got a ping, ignored it, and is gone.
            #expect(try silent.readFrame().opcode == Op.ping)
            #expect(silent.isClosedByPeer())
        }
    }

    @Test func serverClose_waitsBoundedForThePeersClose() async throws {
        try await withRunningServer(
            configure: { $0.webSocket.closeTimeout = 0.5 }, routes: { webSocketRoutes(&$0) }
        ) { server in
            let polite = try TestClient(port: server.port)
            #expect(try polite.upgrade("/closer").status == 101)
            let close = try polite.readFrame()
            #expect(close.closeCode == 4000 && close.payload.count == 2 + "done here".utf8.count)
            try polite.send(clientFrame(Op.close, closePayload(4000)))
            #expect(polite.isClosedByPeer())
            // A peer that never answers is dropped after the close timeout.
            let rude = try TestClient(port: server.port, timeout: 5)
            #expect(try rude.upgrade("/closer").status == 101)
            #expect(try rude.readFrame().closeCode == 4000)
            let started = Date()
            #expect(rude.isClosedByPeer())
            #expect(Date().timeIntervalSince(started) < 4)
        }
    }

    @Test func slowReader_pausesTheSender_andStillGetsEverything() async throws {
        let sent = Counter()
        try await withRunningServer(
            configure: { $0.streamHighWaterBytes = 128 * 1024 }, routes: { webSocketRoutes(&$0, sent: sent) }
        ) { server in
            let client = try TestClient(port: server.port, timeout: 30)
            #expect(try client.upgrade("/flood").status == 101)
            Thread.sleep(forTimeInterval: 0.5)
            // 64 MiB cannot fit in socket buffers: the session must be waiting.
            #expect(sent.value.load(ordering: .relaxed) < 1024)
            var bytes = 0
            var frame = try client.readFrame()
            while frame.opcode == Op.binary {
                bytes += frame.payload.count
                frame = try client.readFrame()
            }
            #expect(bytes == 1024 * 64 * 1024)
            #expect(frame.opcode == Op.close && frame.closeCode == 1000)
        }
    }

    @Test func gracefulShutdown_sends1001() async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.eventLoops = 1
        configuration.shutdownGracePeriod = 2
        var builder = RouterBuilder()
        webSocketRoutes(&builder)
        let server = try HTTPServer(configuration: configuration, router: builder.build())
        let close = try await offPool { () -> ReceivedFrame in
            let client = try TestClient(port: server.port)
            _ = try client.upgrade("/echo")
            let stopped = DispatchSemaphore(value: 0)
            Task {
                await server.shutdown()
                stopped.signal()
            }
            let frame = try client.readFrame()
            try client.send(clientFrame(Op.close, closePayload(1001)))
            stopped.wait()
            return frame
        }
        #expect(close.opcode == Op.close && close.closeCode == 1001)
        #expect(server.openConnections == 0)
    }
}
