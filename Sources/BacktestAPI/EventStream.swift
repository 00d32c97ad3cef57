import BacktestService
import HTTPServer

/// `GET /runs/{id}/events` as Server-Sent Events: a one-shot flush of the stored log by
/// default, or `?follow=1` to stay open and receive new events pushed from the event hub
/// (no per-client polling), with `: ka` comments and closing after the terminal event.
enum EventStream {
    static func response(
        for request: HTTPRequest, service: BacktestService, caller: Caller, keepAliveSeconds: Double
    ) throws
        -> HTTPResponse
    {
        let id = request.parameter("id")
        var after = -1
        if let header = request.headers["Last-Event-ID"] {
            guard let value = Int(header), value >= -1 else {
                throw HTTPError.badRequest("Last-Event-ID must be an integer")
            }
            after = value
        }
        if request.query("after") != nil { after = try request.integerQuery("after", default: -1, -1...Int(Int32.max)) }
        let follow = ["1", "true", "yes"].contains(request.query("follow") ?? "0")
        // Subscribe before reading the log so nothing falls between the two.
        let live = follow ? service.hub.subscribe(runID: id) : nil
        let (stored, finished) = try service.events(id: id, after: after, caller: caller)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-cache")
        let startAfter = after
        if !follow {
            let text = stored.map(frame).joined()
            return HTTPResponse(status: 200, headers: headers, body: .bytes(Array(text.utf8)))
        }
        return HTTPResponse(
            status: 200, headers: headers,
            body: .stream { writer in
                var last = startAfter
                for event in stored {
                    try await writer.write(frame(event))
                    last = event.seq
                }
                // A finished run's log is complete (its terminal event commits with the status).
                guard !finished, let live else { return }
                let resumeAfter = last
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        while true {
                            try await Task.sleep(nanoseconds: UInt64(keepAliveSeconds * 1_000_000_000))
                            try await writer.write(": ka\n\n")
                        }
                    }
                    group.addTask {
                        for await event in live where event.seq > resumeAfter {
                            try await writer.write(frame(event))
                            if event.isTerminal { return }
                        }
                    }
                    _ = try await group.next()
                    group.cancelAll()
                }
            })
    }

    /// One SSE frame: `id`, `event` and a `data` line holding the event envelope.
    static func frame(_ event: RunEvent) -> String {
        "id: \(event.seq)\nevent: \(event.type)\ndata: \(envelope(event))\n\n"
    }

    /// The event envelope (also the `data` of a WebSocket frame).
    static func envelope(_ event: RunEvent) -> String {
        #"{"run_id":"# + JSONString.quote(event.runID) + #","seq":\#(event.seq),"ts":"#
            + JSONString.quote(event.timestamp) + #","data":\#(event.data)}"#
    }
}
