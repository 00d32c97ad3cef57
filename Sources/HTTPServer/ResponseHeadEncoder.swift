/// Serializes a status line and header block (RFC 9112 §4, §5).
enum ResponseHeadEncoder {
    /// How the body is framed on the wire.
    enum Framing {
        case length(Int)
        case chunked
        /// HTTP/1.0 streaming: the body ends when the connection closes.
        case untilClose
        /// 1xx and 204 carry no body and no framing header (RFC 9110 §8.6).
        case none
    }

    static func encode(
        status: Int, headers: HTTPHeaders, framing: Framing, close: Bool, echoKeepAlive: Bool, date: String,
        serverName: String, requestID: String, into out: inout [UInt8]
    ) {
        var text = "HTTP/1.1 \(status) \(HTTPStatus.reason(status))\r\n"
        for field in headers
        where field.lowercasedName != "content-length" && field.lowercasedName != "transfer-encoding"
            && field.lowercasedName != "connection"
        {
            text += field.name
            text += ": "
            text += field.value
            text += "\r\n"
        }
        switch framing {
        case .length(let count): text += "Content-Length: \(count)\r\n"
        case .chunked: text += "Transfer-Encoding: chunked\r\n"
        case .untilClose, .none: break
        }
        text += "Date: \(date)\r\nServer: \(serverName)\r\n"
        if !requestID.isEmpty { text += "X-Request-Id: \(requestID)\r\n" }
        if close {
            text += "Connection: close\r\n"
        } else if echoKeepAlive {
            text += "Connection: keep-alive\r\n"
        }
        text += "\r\n"
        out.append(contentsOf: text.utf8)
    }
}
