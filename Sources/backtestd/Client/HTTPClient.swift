import Foundation

/// A small blocking HTTP/1.1 client for the command-line client: one request per connection
/// (`Connection: close`), responses framed by `Content-Length`, chunked encoding or the close, and
/// a line-by-line reader for event streams. Plain HTTP (TLS belongs to a proxy in front).
struct HTTPClient {
    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The server could not be reached, or the connection broke.
    struct Unreachable: Error, CustomStringConvertible {
        let description: String
    }

    let host: String
    let port: UInt16
    let key: String?

    /// `http://host[:port]` (a trailing slash or path is ignored).
    init(server: String, key: String?) throws {
        guard server.hasPrefix("http://") else {
            throw Unreachable(description: "the server must be an http:// URL (got \(server))")
        }
        let rest = server.dropFirst(7).split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        let parts = rest.split(separator: ":")
        guard let name = parts.first, !name.isEmpty, parts.count <= 2 else {
            throw Unreachable(description: "cannot read host and port from \(server)")
        }
        host = String(name)
        if parts.count == 2 {
            guard let number = UInt16(parts[1]) else { throw Unreachable(description: "bad port in \(server)") }
            port = number
        } else {
            port = 80
        }
        self.key = key
    }

    func send(
        _ method: String, _ path: String, body: [UInt8] = [], contentType: String? = nil,
        headers: [(String, String)] = []
    ) throws -> Response {
        let connection = try open()
        defer { connection.close() }
        try connection.write(request(method, path, body: body, contentType: contentType, headers: headers))
        return try connection.readResponse(method: method)
    }

    /// Sends a GET and hands each line of the response body to `line` until it returns false or
    /// the stream ends; the status and headers come first.
    func stream(
        _ path: String, headers: [(String, String)] = [], head: (Response) throws -> Void, line: (String) throws -> Bool
    )
        throws
    {
        let connection = try open()
        defer { connection.close() }
        try connection.write(request("GET", path, body: [], contentType: nil, headers: headers))
        let response = try connection.readHead()
        try head(response)
        guard response.status == 200 else { return }
        let chunked = response.header("Transfer-Encoding")?.lowercased() == "chunked"
        var body = ChunkedLines(connection: connection, chunked: chunked)
        while let text = try body.nextLine() {
            if try !line(text) { return }
        }
    }

    private func request(
        _ method: String, _ path: String, body: [UInt8], contentType: String?, headers: [(String, String)]
    )
        -> [UInt8]
    {
        var head =
            "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nUser-Agent: backtestd-cli\r\n"
        if let key { head += "Authorization: Bearer \(key)\r\n" }
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH", "DELETE"].contains(method) {
            head += "Content-Length: \(body.count)\r\n"
        }
        return Array((head + "\r\n").utf8) + body
    }

    private func open() throws -> ClientConnection {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw Unreachable(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            let fd = socket(current.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd >= 0 {
                if connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 {
                    return ClientConnection(fd: fd)
                }
                Glibc.close(fd)
            }
            entry = current.pointee.ai_next
        }
        throw Unreachable(description: "cannot connect to \(host):\(port)")
    }
}

/// One connection's bytes.
final class ClientConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    func close() { Glibc.close(fd) }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw HTTPClient.Unreachable(description: "the connection broke while sending") }
            offset += sent
        }
    }

    /// More bytes; false at the end of the stream.
    func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EINTR { return try fill() }
        guard count > 0 else { return false }
        buffer += chunk[0..<count]
        return true
    }

    func line() throws -> String? {
        while true {
            if let index = buffer.firstIndex(of: 10) {
                let line = buffer[..<index]
                buffer.removeFirst(index + 1)
                return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            guard try fill() else { return nil }
        }
    }

    func bytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw HTTPClient.Unreachable(description: "the response ended early") }
        }
        let taken = Array(buffer[..<count])
        buffer.removeFirst(count)
        return taken
    }

    func rest() throws -> [UInt8] {
        while try fill() {}
        defer { buffer = [] }
        return buffer
    }

    func readHead() throws -> HTTPClient.Response {
        guard let status = try line() else {
            throw HTTPClient.Unreachable(description: "the server closed the connection")
        }
        let parts = status.split(separator: " ")
        guard parts.count >= 2, let code = Int(parts[1]) else {
            throw HTTPClient.Unreachable(description: "not an HTTP response: \(status)")
        }
        var headers: [(String, String)] = []
        while let field = try line(), !field.isEmpty {
            guard let colon = field.firstIndex(of: ":") else { continue }
            headers.append(
                (String(field[..<colon]), field[field.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return HTTPClient.Response(status: code, headers: headers, body: [])
    }

    func readResponse(method: String) throws -> HTTPClient.Response {
        let head = try readHead()
        if method == "HEAD" || head.status == 204 || head.status == 304 { return head }
        var body: [UInt8]
        if let length = head.header("Content-Length").flatMap(Int.init) {
            body = try bytes(length)
        } else if head.header("Transfer-Encoding")?.lowercased() == "chunked" {
            var reader = ChunkedLines(connection: self, chunked: true)
            body = try reader.all()
        } else {
            body = try rest()
        }
        return HTTPClient.Response(status: head.status, headers: head.headers, body: body)
    }
}

/// A response body as lines, through chunked framing when there is one.
struct ChunkedLines {
    let connection: ClientConnection
    let chunked: Bool
    private var pending: [UInt8] = []
    private var ended = false

    init(connection: ClientConnection, chunked: Bool) {
        self.connection = connection
        self.chunked = chunked
    }

    /// The next chunk's bytes (nil at the end).
    private mutating func chunk() throws -> [UInt8]? {
        guard !ended else { return nil }
        guard chunked else {
            let buffered = connection.takeBuffered()
            if !buffered.isEmpty { return buffered }
            guard try connection.fill() else {
                ended = true
                return nil
            }
            return connection.takeBuffered()
        }
        guard let size = try connection.line(), let count = Int(size.split(separator: ";").first ?? "", radix: 16)
        else {
            ended = true
            return nil
        }
        if count == 0 {
            ended = true
            return nil
        }
        let bytes = try connection.bytes(count)
        _ = try connection.line()
        return bytes
    }

    mutating func nextLine() throws -> String? {
        while true {
            if let index = pending.firstIndex(of: 10) {
                let line = pending[..<index]
                pending.removeFirst(index + 1)
                return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            guard let more = try chunk() else {
                guard !pending.isEmpty else { return nil }
                defer { pending = [] }
                return String(decoding: pending, as: UTF8.self)
            }
            pending += more
        }
    }

    mutating func all() throws -> [UInt8] {
        var body: [UInt8] = []
        while let more = try chunk() { body += more }
        return body
    }
}

extension ClientConnection {
    /// What is buffered now (for bodies read as they arrive).
    func takeBuffered() -> [UInt8] {
        defer { buffer = [] }
        return buffer
    }
}
