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
        // Appended as bytes, not built as a String first: this runs once per response.
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status, to: &out)
        out.append(32)
        out.append(contentsOf: HTTPStatus.reason(status).utf8)
        out.append(contentsOf: crlf)
        for field in headers
        where field.lowercasedName != "content-length" && field.lowercasedName != "transfer-encoding"
            && field.lowercasedName != "connection"
        {
            line(field.name, field.value, into: &out)
        }
        switch framing {
        case .length(let count):
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(count, to: &out)
            out.append(contentsOf: crlf)
        case .chunked: out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        case .untilClose, .none: break
        }
        line("Date", date, into: &out)
        line("Server", serverName, into: &out)
        if !requestID.isEmpty { line("X-Request-Id", requestID, into: &out) }
        if close {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if echoKeepAlive {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: crlf)
    }

    private static let crlf: [UInt8] = [13, 10]

    private static func line(_ name: String, _ value: String, into out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(58)
        out.append(32)
        out.append(contentsOf: value.utf8)
        out.append(contentsOf: crlf)
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(48 + value % 10))
    }
}
