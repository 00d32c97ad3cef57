import Testing

@testable import HTTPServer

@Suite struct HTTPRequestParserTests {
    @Test func parser_readsRequestLineHeadersAndDecodedTarget() throws {
        let events = parseAllWays("GET /runs/a%20b/x?limit=5&q=a+b%26c HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\n\r\n")
        let head = try #require(events.heads.first)
        #expect(events.last == .end)
        #expect(head.method == "GET")
        #expect(head.path == "/runs/a b/x")
        #expect(head.pathSegments == ["runs", "a b", "x"])
        #expect(head.queryValue("limit") == "5")
        #expect(head.queryValue("q") == "a b&c")
        #expect(head.headers.values("X-A") == ["1", "2"])
        #expect(head.headers["HOST"] == "h")
        #expect(head.keepAlive)
    }

    @Test func parser_pipelinesEveryValidShape() {
        expectPipelines("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        expectPipelines("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
        expectPipelines(
            "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n"
        )
        expectPipelines("GET / HTTP/1.0\r\n\r\n")
    }

    @Test func parser_decodesContentLengthAndChunkedBodies() {
        #expect(parseAllWays("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").bodyText == "hello")
        let chunked = parseAllWays(
            "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n1\r\n!\r\n0\r\n\r\n")
        #expect(chunked.bodyText == "0123456789!")
        #expect(chunked.last == .end)
    }

    @Test func parser_ignoresOneEmptyLineBeforeRequestLine() {
        #expect(parseAllWays("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").heads.count == 1)
    }

    @Test func parser_connectionSemanticsFollowVersion() throws {
        #expect(try #require(parseAllWays("GET / HTTP/1.0\r\n\r\n").heads.first).keepAlive == false)
        #expect(try #require(parseAllWays("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").heads.first).keepAlive)
        #expect(
            try #require(parseAllWays("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").heads.first).keepAlive
                == false)
        #expect(
            try #require(parseAllWays("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n").heads.first)
                .expectsContinue)
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "both"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "both"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "conflicting"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", "conflicting"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc", "malformed"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x3\r\n\r\nabc", "malformed"),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", "malformed"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "coding"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "coding"),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "1.0 chunked"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", "chunk end"),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n", "obs-fold"),
        ("GET / HTTP/1.1\r\nHost: h\r\n X: a\r\n\r\n", "leading space"),
        ("GET / HTTP/1.1\r\nHost: h\r\nX : a\r\n\r\n", "space before colon"),
        ("GET / HTTP/1.1\nHost: h\r\n\r\n", "bare LF"),
        ("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", "bare LF in headers"),
        ("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", "bare CR"),
        ("GE T / HTTP/1.1\r\nHost: h\r\n\r\n", "request line"),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", "method"),
        ("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", "target"),
        ("GET / HTTP/1.1\r\n\r\n", "no host"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "two hosts"),
        ("GET / HTTQ/1.1\r\nHost: h\r\n\r\n", "version"),
        ("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", "percent"),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{01}b\r\n\r\n", "control char"),
    ])
    func parser_rejectsMalformedAndSmugglingInputWith400(input: String, label: String) {
        let events = parseAllWays(input)
        #expect(events.error?.status == 400, "\(label)")
        #expect(events.heads.isEmpty || label.contains("chunk"), "\(label)")
    }

    @Test func parser_acceptsRepeatedIdenticalContentLength() {
        #expect(
            parseAllWays("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok").bodyText
                == "ok")
    }

    @Test(arguments: ["HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0"])
    func parser_answers505ForOtherVersions(version: String) {
        #expect(parseAllWays("GET / \(version)\r\nHost: h\r\n\r\n").error?.status == 505)
    }

    @Test func parser_stopsAfterAnError() {
        var parser = HTTPRequestParser()
        #expect(parser.feed(Array("BAD\r\n\r\n".utf8)).error != nil)
        #expect(parser.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)).isEmpty)
    }

    @Test func parser_tokenTableMatchesRFC9110ForAll256Bytes() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for value in 0...255 {
            let byte = UInt8(value)
            var bytes = Array("GET / HTTP/1.1\r\nHost: h\r\nX".utf8)
            bytes.append(byte)
            bytes += Array("Y: v\r\n\r\n".utf8)
            let events = parseAllWays(bytes)
            if byte == UInt8(ascii: ":") {
                #expect(events.heads.first?.headers["X"] == "Y: v", "a colon ends the name")
            } else if tchar.contains(byte) {
                #expect(events.error == nil, "byte \(value) is a token character")
                #expect(events.heads.first?.headers.fields.last?.name.utf8.count == 3)
            } else {
                #expect(events.error?.status == 400, "byte \(value) must be refused in a header name")
            }
        }
    }
}
