import BacktestService
import Foundation
import TestSupport
import Testing

/// Text frames until the server's close: the frames as JSON and the close code.
func followSocket(_ client: TestClient) throws -> (frames: [JSONValue], closeCode: UInt16?) {
    var frames: [JSONValue] = []
    while true {
        let frame = try client.readDataOrClose()
        if frame.opcode == Op.close {
            try client.send(clientFrame(Op.close, frame.payload))
            return (frames, frame.closeCode)
        }
        frames.append(try JSONParser.parse(frame.payload))
    }
}

@Suite struct RunProgressSocketTests {
    @Test func socket_carriesExactlyTheSSEEvents_thenCloses1000_andResumesAfterN() async throws {
        try await withRunningService(configure: {
            $0.progressEveryBarVariants = 20_000
            $0.chunkVariants = 8
        }) { port, _ in
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            let client = try TestClient(port: port, timeout: 30)
            #expect(try client.upgrade("/runs/\(runID)/ws").status == 101)
            let (received, code) = try followSocket(client)
            #expect(code == 1000)
            let (events, _) = frames(try call(port, "GET", "/runs/\(runID)/events").text)
            #expect(events.contains { $0.type == "progress" } && events.contains { $0.type == "snapshot" })
            #expect(received.count == events.count)
            for (frame, event) in zip(received, events) {
                #expect(frame["id"] == .integer(event.id))
                #expect(frame["event"] == .string(event.type))
                #expect(frame["data"] == event.data)
            }
            #expect(received.last?["event"] == "completed")

            let middle = events.count / 2
            let resumed = try TestClient(port: port, timeout: 30)
            #expect(try resumed.upgrade("/runs/\(runID)/ws?after=\(middle)").status == 101)
            let (tail, tailCode) = try followSocket(resumed)
            #expect(tailCode == 1000)
            #expect(tail.map { $0["id"] } == events.suffix(from: middle + 1).map { .integer($0.id) })
        }
    }

    @Test func clientMessages_badOnesGetErrorFrames_cancelEndsTheRun() async throws {
        try await withRunningService(configure: { $0.workers = 1 }) { port, _ in
            try uploadWalk(port)
            let busy = try #require(try json(try call(port, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            try waitUntilStatus(port, busy, "RUNNING")
            let queued = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            let client = try TestClient(port: port, timeout: 30)
            #expect(try client.upgrade("/runs/\(queued)/ws").status == 101)
            #expect(try JSONParser.parse(client.readDataOrClose().payload)["event"] == "stage")
            for bad in [
                clientFrame(Op.text, "not json"), clientFrame(Op.text, #"{"action":"explode"}"#),
                clientFrame(Op.binary, [1, 2]), clientFrame(Op.text, "[1,2]"),
            ] {
                try client.send(bad)
                let answer = try JSONParser.parse(client.readDataOrClose().payload)
                #expect(answer["event"] == "error")
                #expect(answer["data"]?["code"] == "bad_request")
            }
            try client.send(clientFrame(Op.text, #"{"action":"cancel"}"#))
            let (frames, code) = try followSocket(client)
            #expect(code == 1000)
            #expect(frames.last?["event"] == "cancelled")
            #expect(try json(try call(port, "GET", "/runs/\(queued)"))["status"] == "CANCELLED")
            _ = try call(port, "POST", "/runs/\(busy)/cancel")
        }
    }

    @Test func handshakeRefusals_unknownRunAndBadAfter() async throws {
        try await withRunningService { port, _ in
            #expect(try TestClient(port: port).upgrade("/runs/run_missing/ws").status == 404)
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            #expect(try TestClient(port: port).upgrade("/runs/\(runID)/ws?after=x").status == 400)
            #expect(try call(port, "GET", "/runs/\(runID)/ws").status == 426)
            // A page of another origin may not open it (WebSockets are not covered by CORS); ours may.
            #expect(
                try TestClient(port: port).upgrade("/runs/\(runID)/ws", extra: ["Origin: http://evil.example"]).status
                    == 403)
            #expect(
                try TestClient(port: port).upgrade("/runs/\(runID)/ws", extra: ["Origin: http://test"]).status == 101)
        }
    }
}
