import BacktestService
import HTTPServer

/// `GET /runs/{id}/ws`: the run's events as JSON text frames `{"id","event","data"}` — exactly
/// the events, order and envelopes of SSE follow mode — then close 1000 after the terminal event.
/// `?after=N` resumes. The client may send `{"action":"cancel"}`; anything else gets an `error`
/// frame and the connection stays open.
enum RunProgressSocket {
    static func route(service: BacktestService, access: Access) -> WebSocketRoute {
        WebSocketRoute(originAllowed: WebSocketRoute.sameOriginOrNone) { request in
            let principal = try access.authenticate(request)
            let caller = principal.caller
            let id = request.parameter("id")
            let after = try request.integerQuery("after", default: -1, -1...Int(Int32.max))
            // Subscribed before the log is read, so no event falls between the two.
            let live = service.hub.subscribe(runID: id)
            let (stored, finished) = try await BlockingWork.run {
                do { return try service.events(id: id, after: after, caller: caller) } catch {
                    throw ErrorMapping.httpError(error)
                }
            }
            return { socket in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var last = after
                        for event in stored {
                            try await socket.send(text: frame(event))
                            last = event.seq
                        }
                        // A finished run's log is complete (its terminal event commits with the status).
                        guard !finished else { return }
                        for await event in live where event.seq > last {
                            try await socket.send(text: frame(event))
                            if event.isTerminal { return }
                        }
                    }
                    group.addTask {
                        while let message = await socket.receive() {
                            try await answer(message, runID: id, caller: caller, socket: socket, service: service)
                        }
                    }
                    // Either the log ended (close 1000 follows) or the peer closed: stop the other.
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// One client message: a cancel (its result arrives as the run's `cancelled` event), or an error frame.
    private static func answer(
        _ message: WebSocketMessage, runID: String, caller: Caller, socket: WebSocket, service: BacktestService
    ) async throws {
        guard case .text(let text) = message,
            case .success(let value) = Result(catching: {
                try JSONParser.parse(Array(text.utf8), limits: messageLimits)
            }),
            case .object(let members) = value
        else {
            return try await socket.send(text: error("bad_request", "messages must be JSON objects"))
        }
        guard members.count == 1, let action = members.first, action.0 == "action", action.1 == .string("cancel") else {
            return try await socket.send(text: error("bad_request", #"the only message is {"action":"cancel"}"#))
        }
        let outcome: Result<(JSONValue, accepted: Bool), any Error>
        do { outcome = .success(try await BlockingWork.run { try service.cancel(id: runID, caller: caller) }) } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success((_, accepted: true)):
            break
        case .success((let document, accepted: false)):
            let status: String
            if case .object(let fields) = document, let found = fields.first(where: { $0.0 == "status" }),
                case .string(let text) = found.1
            {
                status = text
            } else {
                status = "finished"
            }
            try await socket.send(text: error("conflict", "the run already finished (\(status))"))
        case .failure(let failure):
            let mapped = ErrorMapping.httpError(failure)
            try await socket.send(text: error(mapped.code, mapped.message))
        }
    }

    /// A client message is one small object.
    private static let messageLimits = JSONParser.Limits(maxElements: 64, maxStringBytes: 4096)

    /// A run event as a frame: its sequence number, type and the SSE data envelope.
    static func frame(_ event: RunEvent) -> String {
        #"{"id":\#(event.seq),"event":"# + JSONString.quote(event.type) + #","data":"# + EventStream.envelope(event)
            + "}"
    }

    static func error(_ code: String, _ message: String) -> String {
        #"{"event":"error","data":{"code":"# + JSONString.quote(code) + #","message":"# + JSONString.quote(message)
            + "}}"
    }
}
