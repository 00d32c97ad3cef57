import HTTPServer

/// The conformance route (`ws_echo_path`, off by default): echoes every text and binary message,
/// so the framing layer can be checked with the Autobahn|Testsuite fuzzing client.
enum WebSocketEcho {
    static func route() -> WebSocketRoute {
        WebSocketRoute { _ in
            { socket in
                while let message = await socket.receive() { try await socket.send(message) }
            }
        }
    }
}
