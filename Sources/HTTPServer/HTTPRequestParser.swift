/// A push parser for HTTP/1.1 requests (RFC 9112): bytes in, events out, no I/O.
///
/// Feed it any slicing of the input — one byte at a time or many pipelined requests at
/// once — and it reports the same events. After an `.error` it ignores further input.
public struct HTTPRequestParser: Sendable {
    private enum State: Sendable {
        case requestLine
        case headers
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        /// After a request that switches protocols: the rest is not HTTP, it waits in `buffer`.
        case upgraded
        case failed
    }

    public let limits: HTTPParserLimits
    /// The body limit of one request, decided from its head (routes may allow more or less than
    /// `limits.maxBodyBytes`); nil keeps `limits.maxBodyBytes`.
    private let bodyLimit: (@Sendable (HTTPRequestHead) -> Int?)?
    /// Whether a request (without a body) switches protocols, so parsing stops after it.
    private let upgrade: (@Sendable (HTTPRequestHead) -> Bool)?
    private var currentBodyLimit = 0
    private var state: State = .requestLine
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var headerBytes = 0
    private var bodyBytes = 0
    private var pending: HTTPRequestHead?
    private var pendingHeaders: [(String, String)] = []
    private var requestLine: (method: String, target: String, minor: Int)?

    public init(
        limits: HTTPParserLimits = HTTPParserLimits(), bodyLimit: (@Sendable (HTTPRequestHead) -> Int?)? = nil,
        upgrade: (@Sendable (HTTPRequestHead) -> Bool)? = nil
    ) {
        self.limits = limits
        self.bodyLimit = bodyLimit
        self.upgrade = upgrade
    }

    /// The bytes that followed an upgrade request (they belong to the new protocol); parsing stays stopped.
    public mutating func takeUpgradedBytes() -> [UInt8] {
        guard case .upgraded = state else { return [] }
        let rest = Array(buffer[start...])
        buffer = []
        start = 0
        scanned = 0
        return rest
    }

    /// True between the first byte of a request and the end of its header block.
    public var isReadingHead: Bool {
        switch state {
        case .requestLine: return buffer.count > start
        case .headers: return true
        default: return false
        }
    }

    /// True while a request is partly received (head or body).
    public var isMidRequest: Bool {
        switch state {
        case .requestLine: return buffer.count > start
        case .failed, .upgraded: return false
        default: return true
        }
    }

    /// Consumes `bytes` and returns the events they complete.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) -> [HTTPParserEvent] where Bytes.Element == UInt8 {
        if case .failed = state { return [] }
        buffer.append(contentsOf: bytes)
        var events: [HTTPParserEvent] = []
        while step(&events) {}
        if start > 0 && (start == buffer.count || start > 4096) {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        return events
    }

    /// One state transition; false when more input is needed or parsing stopped.
    private mutating func step(_ events: inout [HTTPParserEvent]) -> Bool {
        switch state {
        case .failed, .upgraded:
            return false
        case .requestLine:
            return parseRequestLine(&events)
        case .headers:
            return parseHeaderLine(&events)
        case .fixedBody(let remaining):
            let available = min(remaining, buffer.count - start)
            guard available > 0 else { return false }
            events.append(.body(Array(buffer[start..<start + available])))
            start += available
            if remaining == available {
                finishMessage(&events)
            } else {
                state = .fixedBody(remaining: remaining - available)
            }
            return true
        case .chunkSize:
            return parseChunkSize(&events)
        case .chunkData(let remaining):
            let available = min(remaining, buffer.count - start)
            guard available > 0 else { return false }
            events.append(.body(Array(buffer[start..<start + available])))
            start += available
            state = remaining == available ? .chunkDataEnd : .chunkData(remaining: remaining - available)
            return true
        case .chunkDataEnd:
            guard buffer.count - start >= 2 else { return false }
            guard buffer[start] == 13, buffer[start + 1] == 10 else {
                return fail(.bad("chunk data not followed by CRLF"), &events)
            }
            start += 2
            state = .chunkSize
            return true
        case .trailers:
            return parseTrailerLine(&events)
        }
    }

    private mutating func fail(_ error: HTTPParseError, _ events: inout [HTTPParserEvent]) -> Bool {
        state = .failed
        events.append(.error(error))
        return false
    }

    /// Finds the next CRLF-terminated line. A bare CR or LF is an error (RFC 9112 §2.2 allows
    /// refusing them, and refusing closes a smuggling vector).
    private mutating func nextLine(limit: Int) -> Result<Range<Int>, HTTPParseError>? {
        // Only the first `limit` bytes plus CRLF may form the line; looking no further keeps the
        // outcome independent of how the input was split.
        let end = min(buffer.count, start + max(limit, 0) + 2)
        var index = max(scanned, start)
        while index < end {
            let byte = buffer[index]
            if byte == 10 {
                guard index > start, buffer[index - 1] == 13 else { return .failure(.bad("bare LF in message head")) }
                scanned = index + 1
                return .success(start..<(index - 1))
            }
            if byte == 13 {
                guard index + 1 < end else {
                    scanned = index  // re-examine this CR once the next byte arrives
                    return nil
                }
                if buffer[index + 1] != 10 { return .failure(.bad("bare CR in message head")) }
            }
            index += 1
        }
        scanned = index
        return nil
    }

    private mutating func parseRequestLine(_ events: inout [HTTPParserEvent]) -> Bool {
        // RFC 9112 §2.2: ignore at least one empty line before the request line.
        if buffer.count - start >= 2, buffer[start] == 13, buffer[start + 1] == 10 {
            start += 2
            scanned = start
            return true
        }
        guard let found = nextLine(limit: limits.maxRequestLineBytes) else {
            if buffer.count - start > limits.maxRequestLineBytes + 1 { return fail(.uriTooLong, &events) }
            return false
        }
        let range: Range<Int>
        switch found {
        case .failure(let error): return fail(error, &events)
        case .success(let line): range = line
        }
        if range.count > limits.maxRequestLineBytes { return fail(.uriTooLong, &events) }
        start = range.upperBound + 2
        scanned = start
        let line = buffer[range]
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return fail(.bad("malformed request line"), &events)
        }
        guard parts[0].allSatisfy(HTTPCharacters.isToken) else { return fail(.bad("invalid method"), &events) }
        guard parts[1].allSatisfy({ $0 > 32 && $0 < 127 }) else { return fail(.bad("invalid request target"), &events) }
        let version = Array(parts[2])
        guard version.count == 8, version.starts(with: Array("HTTP/".utf8)), version[6] == 46,
            HTTPCharacters.isDigit(version[5]), HTTPCharacters.isDigit(version[7])
        else { return fail(.bad("malformed HTTP version"), &events) }
        guard version[5] == 49, version[7] == 48 || version[7] == 49 else { return fail(.versionNotSupported, &events) }
        requestLine = (
            String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), Int(version[7] - 48)
        )
        pendingHeaders = []
        headerBytes = 0
        state = .headers
        return true
    }

    private mutating func parseHeaderLine(_ events: inout [HTTPParserEvent]) -> Bool {
        let remainingBudget = limits.maxHeaderBytes - headerBytes
        guard let found = nextLine(limit: max(remainingBudget, 0)) else {
            if buffer.count - start > remainingBudget + 1 {
                return fail(.headersTooLarge("header block too large"), &events)
            }
            return false
        }
        let range: Range<Int>
        switch found {
        case .failure(let error): return fail(error, &events)
        case .success(let line): range = line
        }
        headerBytes += range.count + 2
        if headerBytes > limits.maxHeaderBytes { return fail(.headersTooLarge("header block too large"), &events) }
        start = range.upperBound + 2
        scanned = start
        if range.isEmpty { return completeHead(&events) }
        switch Self.parseField(buffer[range]) {
        case .failure(let error): return fail(error, &events)
        case .success(let field):
            pendingHeaders.append(field)
            if pendingHeaders.count > limits.maxHeaderCount {
                return fail(.headersTooLarge("more than \(limits.maxHeaderCount) header fields"), &events)
            }
            return true
        }
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 §5); obs-fold and space before the colon are refused.
    static func parseField(_ line: ArraySlice<UInt8>) -> Result<(String, String), HTTPParseError> {
        guard let first = line.first, first != 32, first != 9 else { return .failure(.bad("obsolete line folding")) }
        guard let colon = line.firstIndex(of: 58), colon > line.startIndex else {
            return .failure(.bad("header without name"))
        }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(HTTPCharacters.isToken) else { return .failure(.bad("invalid header name")) }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 32 || byte == 9 { value = value.dropFirst() }
        while let byte = value.last, byte == 32 || byte == 9 { value = value.dropLast() }
        guard value.allSatisfy(HTTPCharacters.isFieldValue) else { return .failure(.bad("invalid header value")) }
        return .success((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    }

    private mutating func completeHead(_ events: inout [HTTPParserEvent]) -> Bool {
        guard let line = requestLine else { return fail(.bad("missing request line"), &events) }
        let headers = HTTPHeaders(pendingHeaders)
        let hosts = headers.values("Host")
        if hosts.count > 1 || (line.minor == 1 && hosts.isEmpty) {
            return fail(.bad("exactly one Host header is required"), &events)
        }
        guard let target = RequestTarget.parse(line.target) else {
            return fail(.bad("invalid request target"), &events)
        }
        let head = HTTPRequestHead(
            method: line.method, target: line.target, path: target.path, pathSegments: target.segments,
            query: target.query, versionMinor: line.minor, headers: headers)
        currentBodyLimit = bodyLimit?(head) ?? limits.maxBodyBytes
        let encodings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !encodings.isEmpty {
            // RFC 9112 §6.1: both framings at once is how requests are smuggled.
            guard lengths.isEmpty else { return fail(.bad("both Content-Length and Transfer-Encoding"), &events) }
            guard line.minor == 1 else { return fail(.bad("Transfer-Encoding in HTTP/1.0"), &events) }
            let codings = encodings.flatMap { $0.split(separator: ",").map { $0.trimmingASCIISpaces().lowercased() } }
            guard codings == ["chunked"] else { return fail(.bad("unsupported Transfer-Encoding"), &events) }
            events.append(.head(head))
            bodyBytes = 0
            state = .chunkSize
            return true
        }
        var length = 0
        if !lengths.isEmpty {
            let values = Set(
                lengths.flatMap {
                    $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingASCIISpaces() }
                })
            guard values.count == 1, let text = values.first, !text.isEmpty, text.count <= 18,
                text.utf8.allSatisfy(HTTPCharacters.isDigit), let parsed = Int(text)
            else { return fail(.bad("invalid or conflicting Content-Length"), &events) }
            length = parsed
        }
        if length > currentBodyLimit { return fail(.payloadTooLarge, &events) }
        events.append(.head(head))
        if length == 0 {
            finishMessage(&events)
            if upgrade?(head) == true { state = .upgraded }
        } else {
            state = .fixedBody(remaining: length)
        }
        return true
    }

    private mutating func parseChunkSize(_ events: inout [HTTPParserEvent]) -> Bool {
        guard let found = nextLine(limit: 1024) else {
            if buffer.count - start > 1026 { return fail(.bad("chunk size line too long"), &events) }
            return false
        }
        let range: Range<Int>
        switch found {
        case .failure(let error): return fail(error, &events)
        case .success(let line): range = line
        }
        start = range.upperBound + 2
        scanned = start
        var digits = buffer[range]
        if let semicolon = digits.firstIndex(of: 59) { digits = digits[digits.startIndex..<semicolon] }
        while let last = digits.last, last == 32 || last == 9 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy(HTTPCharacters.isHexDigit),
            let size = Int(String(decoding: digits, as: UTF8.self), radix: 16)
        else { return fail(.bad("invalid chunk size"), &events) }
        if size == 0 {
            headerBytes = 0
            state = .trailers
            return true
        }
        let (total, overflow) = bodyBytes.addingReportingOverflow(size)
        if overflow || total > currentBodyLimit { return fail(.payloadTooLarge, &events) }
        bodyBytes = total
        state = .chunkData(remaining: size)
        return true
    }

    private mutating func parseTrailerLine(_ events: inout [HTTPParserEvent]) -> Bool {
        guard let found = nextLine(limit: limits.maxHeaderBytes) else {
            if buffer.count - start > limits.maxHeaderBytes + 1 {
                return fail(.headersTooLarge("trailers too large"), &events)
            }
            return false
        }
        let range: Range<Int>
        switch found {
        case .failure(let error): return fail(error, &events)
        case .success(let line): range = line
        }
        start = range.upperBound + 2
        scanned = start
        headerBytes += range.count + 2
        if headerBytes > limits.maxHeaderBytes { return fail(.headersTooLarge("trailers too large"), &events) }
        if range.isEmpty {
            finishMessage(&events)
            return true
        }
        if case .failure(let error) = Self.parseField(buffer[range]) { return fail(error, &events) }
        return true
    }

    private mutating func finishMessage(_ events: inout [HTTPParserEvent]) {
        events.append(.end)
        state = .requestLine
        requestLine = nil
        pendingHeaders = []
    }
}
