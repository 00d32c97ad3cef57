import Crypto
import Foundation

/// The opening handshake (RFC 6455 §4.2): checks an upgrade request and answers it.
enum WebSocketHandshake {
    /// The GUID every server appends to the client's key (RFC 6455 §1.3).
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// Whether `head` asks to become a WebSocket (the route decides whether it may).
    static func isUpgradeRequest(_ head: HTTPRequestHead) -> Bool {
        head.method == "GET" && head.headers.containsToken("websocket", in: "Upgrade")
    }

    /// The client's `Sec-WebSocket-Key` when the request is a valid version-13 handshake; the
    /// refusal otherwise: 426 for a plain request or another version (with the headers that say
    /// what to send), 400 for a malformed one.
    static func validate(_ head: HTTPRequestHead) -> Result<String, HTTPError> {
        guard head.headers.containsToken("websocket", in: "Upgrade"),
            head.headers.containsToken("upgrade", in: "Connection")
        else {
            return .failure(
                HTTPError(
                    status: 426, code: "upgrade_required",
                    message: "this route speaks WebSocket: send an upgrade request",
                    headers: [("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13")]))
        }
        guard head.versionMinor >= 1 else { return .failure(.badRequest("a WebSocket upgrade needs HTTP/1.1")) }
        guard head.headers.values("Sec-WebSocket-Version").map({ Substring($0).trimmingASCIISpaces() }) == ["13"] else {
            return .failure(
                HTTPError(
                    status: 426, code: "upgrade_required", message: "only WebSocket version 13 is supported",
                    headers: [("Sec-WebSocket-Version", "13")]))
        }
        let keys = head.headers.values("Sec-WebSocket-Key")
        guard keys.count == 1, let key = keys.first.map({ String(Substring($0).trimmingASCIISpaces()) }),
            key.utf8.count == 24,
            let decoded = Data(base64Encoded: key), decoded.count == 16
        else { return .failure(.badRequest("Sec-WebSocket-Key must be the base64 of 16 bytes")) }
        return .success(key)
    }

    /// The subprotocols the client offers, in its order of preference.
    static func offeredSubprotocols(_ head: HTTPRequestHead) -> [String] {
        head.headers.values("Sec-WebSocket-Protocol").flatMap { value in
            value.split(separator: ",").map { String($0.trimmingASCIISpaces()) }.filter { !$0.isEmpty }
        }
    }

    /// `Sec-WebSocket-Accept` for `key`: base64 of the SHA-1 of key + GUID.
    static func acceptValue(forKey key: String) -> String {
        Data(Insecure.SHA1.hash(data: Data((key + guid).utf8))).base64EncodedString()
    }

    /// The 101 response head. Extensions the client offers (permessage-deflate) are declined by
    /// not naming them.
    static func switchingProtocols(
        key: String, subprotocol: String?, date: String, serverName: String, requestID: String
    )
        -> [UInt8]
    {
        var head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        head += "Sec-WebSocket-Accept: \(acceptValue(forKey: key))\r\n"
        if let subprotocol { head += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
        head += "Date: \(date)\r\nServer: \(serverName)\r\n"
        if !requestID.isEmpty { head += "X-Request-Id: \(requestID)\r\n" }
        return Array((head + "\r\n").utf8)
    }
}
