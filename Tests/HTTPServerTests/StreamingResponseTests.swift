import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

final class Counter: Sendable {
    let value = Atomic<Int>(0)
    let failed = Atomic<Bool>(false)
}

@Suite struct StreamingResponseTests {
    @Test func stream_pausesProducerForSlowReaderAndDeliversEverything() async throws {
        let written = Counter()
        let chunk = [UInt8](repeating: 120, count: 64 * 1024)
        let total = 1024  // 64 MiB: more than loopback socket buffers can absorb (tcp_wmem + tcp_rmem maxima)
        try await withRunningServer(
            configure: { $0.streamHighWaterBytes = 128 * 1024 },
            routes: { builder in
                builder.get("/stream") { _ in
                    HTTPResponse(
                        body: .stream { writer in
                            for _ in 0..<total {
                                try await writer.write(chunk)
                                written.value.wrappingAdd(1, ordering: .relaxed)
                            }
                        })
                }
            }
        ) { server in
            let client = try TestClient(port: server.port)
            try client.send(rawRequest("/stream"))
            Thread.sleep(forTimeInterval: 0.5)
            // Socket buffers hold a few MiB at most; the producer must be waiting, not done.
            let before = written.value.load(ordering: .relaxed)
            #expect(before < total)
            let response = try client.readResponse()
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.body.count == total * chunk.count)
        }
    }

    @Test func stream_writerThrowsPromptlyOnceThePeerIsGone() async throws {
        let state = Counter()
        try await withRunningServer(routes: { builder in
            builder.get("/forever") { _ in
                HTTPResponse(
                    body: .stream { writer in
                        do {
                            while true {
                                try await writer.write("data: tick\n\n")
                                try await Task.sleep(nanoseconds: 10_000_000)
                            }
                        } catch {
                            state.failed.store(true, ordering: .relaxed)
                            throw error
                        }
                    })
            }
        }) { server in
            do {
                let client = try TestClient(port: server.port)
                try client.send(rawRequest("/forever"))
                Thread.sleep(forTimeInterval: 0.1)
            }
            for _ in 0..<500 where !state.failed.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: 0.02)
            }
            let failed = state.failed.load(ordering: .relaxed)
            #expect(failed)
            #expect(server.openConnections == 0)
        }
    }
}
