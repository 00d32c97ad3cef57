import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// What a streamed body leaves behind once it is over: nothing held, nothing paused.
@Suite struct StreamingBodyReuseTests {
    /// The first body arrives in one read past the high-water mark, so reading pauses as it ends
    /// (its handler is slow): the same keep-alive connection must still read the next upload.
    @Test func aConnectionIsReusedAfterAPausedUpload() async throws {
        let probe = UploadProbe()
        try await withRunningServer(
            configure: { $0.requestStreamHighWaterBytes = 16 * 1024 },
            routes: { countingRoute(&$0, limit: 1 << 20, probe: probe, delay: 0.3) }
        ) { server in
            let client = try TestClient(port: server.port, timeout: 20)
            for _ in 0..<2 {
                try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 60000\r\n\r\n")
                try client.send([UInt8](repeating: 7, count: 60_000))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == #"{"bytes":\#(probe.received.load(ordering: .relaxed))}"#)
            }
            #expect(probe.received.load(ordering: .relaxed) == 120_000)
            #expect(server.bufferedBodyBytes == 0)
        }
    }

    /// A complete upload queued behind a request that closes the connection is never dispatched:
    /// the body it buffered goes back to the server-wide budget.
    @Test func aQueuedUploadThatIsNeverDispatchedGivesItsBudgetBack() async throws {
        let probe = UploadProbe()
        try await withRunningServer(routes: { countingRoute(&$0, limit: 1 << 20, probe: probe) }) { server in
            for _ in 0..<3 {
                let client = try TestClient(port: server.port, timeout: 20)
                var burst = Array(
                    "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".utf8)
                burst += Array("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n".utf8)
                burst += [UInt8](repeating: 9, count: 300_000)
                try client.send(burst)
                #expect(try client.readResponse().status == 200)
            }
            let deadline = Date().addingTimeInterval(5)
            while server.bufferedBodyBytes != 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            #expect(server.bufferedBodyBytes == 0)
        }
    }
}
