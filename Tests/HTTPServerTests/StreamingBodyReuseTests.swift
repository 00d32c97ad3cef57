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

@Suite struct BodyTimeoutTests {
    /// A client trickling a whole body keeps the connection active but not its budget: past the
    /// body timeout it gets 408 and the reserved bytes go back.
    @Test func aTrickledWholeBodyTimesOutAndReleasesItsBudget() async throws {
        let probe = UploadProbe()
        try await withRunningServer(
            configure: { $0.bodyTimeout = 0.6 },
            routes: { countingRoute(&$0, limit: 1 << 20, probe: probe) }
        ) { server in
            // Within the timeout: answered.
            let quick = try TestClient(port: server.port, timeout: 10)
            try quick.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789")
            #expect(try quick.readResponse().status == 200)
            // One byte every 100 ms: never idle, never complete.
            let slow = try TestClient(port: server.port, timeout: 10)
            try slow.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
            let started = Date()
            let fd = slow.fd  // written from a second thread while this one reads the answer
            let trickle = Thread {
                for _ in 0..<40 {
                    guard Glibc.send(fd, "x", 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            trickle.start()
            Thread.sleep(forTimeInterval: 0.2)
            #expect(server.bufferedBodyBytes == 100_000)
            let response = try slow.readResponse()
            #expect(response.status == 408)
            #expect(Date().timeIntervalSince(started) < 3)
            #expect(server.bufferedBodyBytes == 0)
        }
    }
}
