import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// What a streaming handler saw.
final class UploadProbe: Sendable {
    let received = Atomic<Int>(0)
    let pieces = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let started = Atomic<Bool>(false)
}

/// A route that reads its whole body (after `delay` seconds) and answers with the byte count.
func countingRoute(
    _ builder: inout RouterBuilder, limit: Int, probe: UploadProbe, delay: Double = 0
) {
    builder.streaming("POST", "/upload", maxBodyBytes: limit) { _, body in
        probe.started.store(true, ordering: .relaxed)
        if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
        do {
            while let piece = try await body.next() {
                probe.received.wrappingAdd(piece.count, ordering: .relaxed)
                probe.pieces.wrappingAdd(1, ordering: .relaxed)
            }
        } catch {
            probe.failures.wrappingAdd(1, ordering: .relaxed)
            throw error
        }
        return .json(Array("{\"bytes\":\(probe.received.load(ordering: .relaxed))}".utf8))
    }
    builder.post("/echo") { request in .json(Array("{\"bytes\":\(request.body.count)}".utf8)) }
}

func upload(_ port: UInt16, path: String = "/upload", size: Int, chunked: Bool = false) throws -> TestClient.Response {
    let client = try TestClient(port: port, timeout: 30)
    let framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: \(size)"
    try client.send("POST \(path) HTTP/1.1\r\nHost: t\r\n\(framing)\r\n\r\n")
    let body = [UInt8](repeating: 65, count: size)
    if chunked {
        try client.send(String(size, radix: 16) + "\r\n")
        try client.send(body)
        try client.send("\r\n0\r\n\r\n")
    } else {
        try client.send(body)
    }
    return try client.readResponse()
}

@Suite struct StreamingRequestTests {
    @Test func streamedBody_arrivesInPiecesPastTheWholeBodyLimit() async throws {
        let probe = UploadProbe()
        try await withRunningServer(
            configure: { $0.limits.maxBodyBytes = 1000 },
            routes: { countingRoute(&$0, limit: 8 << 20, probe: probe) }
        ) { server in
            let response = try upload(server.port, size: 5 << 20)
            #expect(response.status == 200)
            #expect(response.text == "{\"bytes\":\(5 << 20)}")
            #expect(probe.pieces.load(ordering: .relaxed) > 1)
            // The whole-body route keeps the server limit.
            #expect(try upload(server.port, path: "/echo", size: 1000).status == 200)
            #expect(try upload(server.port, path: "/echo", size: 1001).status == 413)
        }
    }

    @Test func streamedBody_routeLimitAtNAndNPlusOne() async throws {
        let probe = UploadProbe()
        try await withRunningServer(routes: { countingRoute(&$0, limit: 100_000, probe: probe) }) { server in
            #expect(try upload(server.port, size: 100_000).status == 200)
            #expect(try upload(server.port, size: 100_001).status == 413)
            #expect(try upload(server.port, size: 100_000, chunked: true).status == 200)
            let chunked = try upload(server.port, size: 100_001, chunked: true)
            #expect(chunked.status == 413)
            #expect(chunked.text.contains("payload_too_large"))
        }
    }

    @Test func streamedBody_slowHandlerPausesReading() async throws {
        let probe = UploadProbe()
        let sent = Atomic<Int>(0)
        let total = 32 << 20  // more than loopback socket buffers absorb (tcp_rmem + tcp_wmem maxima)
        try await withRunningServer(
            configure: { $0.requestStreamHighWaterBytes = 256 * 1024 },
            routes: { countingRoute(&$0, limit: total, probe: probe, delay: 1.5) }
        ) { server in
            let client = try TestClient(port: server.port, timeout: 30)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \(total)\r\n\r\n")
            let piece = [UInt8](repeating: 66, count: 64 * 1024)
            let fd = client.fd
            let sender = Thread {
                // The client's socket, written from a second thread while the first reads the answer.
                while sent.load(ordering: .relaxed) < total {
                    let want = min(piece.count, total - sent.load(ordering: .relaxed))
                    let count = piece.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, want, Int32(MSG_NOSIGNAL)) }
                    guard count > 0 else { return }
                    sent.wrappingAdd(count, ordering: .relaxed)
                }
            }
            sender.start()
            Thread.sleep(forTimeInterval: 1)
            // The handler has not read yet: the server holds at most its high-water mark plus one
            // read, and the client is blocked by TCP flow control well short of the whole body.
            #expect(server.bufferedBodyBytes <= 256 * 1024 + 64 * 1024)
            #expect(sent.load(ordering: .relaxed) < total / 2)
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "{\"bytes\":\(total)}")
            #expect(server.bufferedBodyBytes == 0)
        }
    }

    @Test func streamedBody_clientLeavingMidBodyFailsTheHandler() async throws {
        let probe = UploadProbe()
        try await withRunningServer(routes: { countingRoute(&$0, limit: 1 << 30, probe: probe) }) { server in
            do {
                let client = try TestClient(port: server.port)
                try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n")
                try client.send([UInt8](repeating: 1, count: 100_000))
                // Leave only once the handler runs: a client gone before its request was dispatched
                // never starts a handler at all (a busy machine can deliver the body and FIN together).
                let started = Date().addingTimeInterval(10)
                while !probe.started.load(ordering: .relaxed) && Date() < started {
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
            let deadline = Date().addingTimeInterval(5)
            while probe.failures.load(ordering: .relaxed) == 0 && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            #expect(probe.failures.load(ordering: .relaxed) == 1)
            #expect(server.bufferedBodyBytes == 0)
            // The server still answers.
            #expect(try upload(server.port, size: 10).status == 200)
        }
    }

    @Test func streamedBody_earlyAnswerClosesTheConnection() async throws {
        try await withRunningServer(routes: { builder in
            builder.streaming("POST", "/reject", maxBodyBytes: 1 << 30) { _, _ in
                throw HTTPError(status: 422, code: "validation_error", message: "no")
            }
        }) { server in
            let client = try TestClient(port: server.port)
            try client.send("POST /reject HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n")
            try client.send([UInt8](repeating: 1, count: 1000))
            let response = try client.readResponse()
            #expect(response.status == 422)
            #expect(response.header("Connection") == "close")
        }
    }

    @Test func streamedBody_stalledClientTimesOutWith408() async throws {
        let probe = UploadProbe()
        try await withRunningServer(
            configure: { $0.idleTimeout = 0.5 },
            routes: { countingRoute(&$0, limit: 1 << 20, probe: probe) }
        ) { server in
            let client = try TestClient(port: server.port, timeout: 20)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n")
            try client.send([UInt8](repeating: 1, count: 10))
            let started = Date()
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(Date().timeIntervalSince(started) < 10)  // 0.5 s plus the sweep, with slack for a loaded machine
            #expect(probe.failures.load(ordering: .relaxed) == 1)
        }
    }

    @Test func streamedBody_pipelinedBehindAnotherRequestIsAnsweredInOrder() async throws {
        let probe = UploadProbe()
        try await withRunningServer(routes: { countingRoute(&$0, limit: 1 << 20, probe: probe) }) { server in
            let client = try TestClient(port: server.port)
            let body = String(repeating: "x", count: 5000)
            try client.send(
                rawRequest("POST", "/echo", body: "abc") + rawRequest("POST", "/upload", body: body)
                    + rawRequest("POST", "/echo", body: "de"))
            #expect(try client.readResponse().text == "{\"bytes\":3}")
            #expect(try client.readResponse().text == "{\"bytes\":5000}")
            #expect(try client.readResponse().text == "{\"bytes\":2}")
        }
    }

    @Test func bodyBudget_refusesNewWholeBodiesAtNPlusOneWithRetryAfter() async throws {
        let probe = UploadProbe()
        try await withRunningServer(
            configure: {
                $0.maxBufferedBodyBytes = 100_000
                $0.eventLoops = 1
            },
            routes: { countingRoute(&$0, limit: 1 << 20, probe: probe) }
        ) { server in
            // A holds 60,000 bytes of budget while its body is still arriving.
            let holder = try TestClient(port: server.port)
            try holder.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 60000\r\n\r\n")
            try holder.send([UInt8](repeating: 1, count: 10))
            Thread.sleep(forTimeInterval: 0.1)
            #expect(server.bufferedBodyBytes == 60_000)
            // N: 40,000 more fits exactly.
            #expect(try upload(server.port, path: "/echo", size: 40_000).status == 200)
            // N + 1: refused with a retry hint, before the body is read.
            let refused = try upload(server.port, path: "/echo", size: 40_001)
            #expect(refused.status == 503)
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.text.contains("queue_full"))
            // A client waiting for 100 Continue gets the refusal instead, not an invitation to send.
            let waiting = try TestClient(port: server.port)
            try waiting.send(
                "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 40001\r\n\r\n")
            #expect(try waiting.readResponse().status == 503)
            // Chunked bodies (length unknown up front) are refused once they pass the budget.
            #expect(try upload(server.port, path: "/echo", size: 40_001, chunked: true).status == 503)
            try holder.send([UInt8](repeating: 1, count: 59_990))
            #expect(try holder.readResponse().status == 200)
            Thread.sleep(forTimeInterval: 0.05)
            #expect(server.bufferedBodyBytes == 0)
            #expect(try upload(server.port, path: "/echo", size: 40_001).status == 200)
        }
    }

    @Test func bodyBudget_concurrentLargeBodiesBeyondItAreRefusedNotBuffered() async throws {
        let probe = UploadProbe()
        let size = 1 << 20
        try await withRunningServer(
            configure: { $0.maxBufferedBodyBytes = 3 * size },
            routes: { countingRoute(&$0, limit: size, probe: probe) }
        ) { server in
            // Eight bodies of 1 MiB arrive at once; the budget holds three.
            var clients: [TestClient] = []
            for _ in 0..<8 {
                let client = try TestClient(port: server.port)
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\n\r\n")
                try client.send([UInt8](repeating: 1, count: 1000))
                clients.append(client)
                Thread.sleep(forTimeInterval: 0.05)  // heads arrive in this order
            }
            #expect(server.bufferedBodyBytes == 3 * size)
            for client in clients[3...] {
                let refused = try client.readResponse()
                #expect(refused.status == 503)
                #expect(refused.header("Retry-After") == "1")
            }
            for client in clients[..<3] {
                try client.send([UInt8](repeating: 1, count: size - 1000))
                #expect(try client.readResponse().status == 200)
            }
            Thread.sleep(forTimeInterval: 0.05)
            #expect(server.bufferedBodyBytes == 0)
        }
    }
}
