import Foundation
import HTTPServer

/// A blocking loopback HTTP client over a raw socket, for live tests.
public final class TestClient {
    public struct Response {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Failure: Error {
        public let message: String
        public init(message: String) { self.message = message }
    }

    public let fd: Int32
    private var buffer: [UInt8] = []

    public init(port: UInt16, timeout: Double = 15) throws {
        // CLOEXEC: tests also spawn processes (child servers, gzip), which must not inherit this
        // socket — a copy held by a child keeps the connection open after the test closes it.
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw Failure(message: "connect failed: errno \(errno)")
        }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(fd) }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(message: "send failed") }
            offset += sent
        }
    }

    /// Reads more bytes; false at EOF or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer += chunk[0..<count]
        return true
    }

    public func readLine() throws -> String {
        while true {
            if let index = buffer.firstIndex(of: 10) {
                let line = buffer[..<index]
                buffer.removeFirst(index + 1)
                return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            guard fill() else { throw Failure(message: "connection closed while reading a line") }
        }
    }

    /// Reads exactly `count` bytes (throws at EOF or timeout).
    public func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard fill() else { throw Failure(message: "connection closed while reading \(count) bytes") }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    /// Reads one response; `head` true for a response to HEAD (no body).
    public func readResponse(head: Bool = false) throws -> Response {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw Failure(message: "bad status line \(statusLine)")
        }
        var headers: [(String, String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = Response(status: status, headers: headers, body: [])
        if head || status == 100 || status == 101 || status == 204 || status == 304 { return response }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            response.body = try readExactly(length)
        } else if response.header("Transfer-Encoding") == "chunked" {
            while true {
                let size = Int(try readLine(), radix: 16) ?? 0
                if size == 0 {
                    _ = try readLine()
                    break
                }
                response.body += try readExactly(size)
                _ = try readLine()
            }
        } else {
            while fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    /// True when the server closed the connection (EOF) within the receive timeout.
    public func isClosedByPeer() -> Bool {
        if !buffer.isEmpty { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }
}

/// Runs blocking client code on its own thread, so it never starves the cooperative pool the
/// server's async handlers run on (two threads on a two-core machine).
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Runs `body` (blocking client code, on its own thread) with a live server on an ephemeral
/// loopback port, then shuts the server down.
public func withRunningServer(
    configure: (inout ServerConfiguration) -> Void = { _ in }, routes: (inout RouterBuilder) -> Void,
    _ body: @escaping @Sendable (HTTPServer) throws -> Void
) async throws {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.eventLoops = 2
    configuration.shutdownGracePeriod = 2
    configure(&configuration)
    var builder = RouterBuilder()
    routes(&builder)
    let server = try HTTPServer(configuration: configuration, router: builder.build())
    do {
        try await offPool { try body(server) }
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}

public func rawRequest(_ path: String, headers: [String] = [], body: String = "") -> String {
    rawRequest("GET", path, headers: headers, body: body)
}

public func rawRequest(_ method: String, _ path: String, headers: [String] = [], body: String = "") -> String {
    var text = "\(method) \(path) HTTP/1.1\r\nHost: test\r\n"
    for header in headers { text += header + "\r\n" }
    if !body.isEmpty { text += "Content-Length: \(body.utf8.count)\r\n" }
    return text + "\r\n" + body
}
