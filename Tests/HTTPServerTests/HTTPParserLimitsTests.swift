import Testing

@testable import HTTPServer

@Suite struct HTTPParserLimitsTests {
    private func requestLine(length: Int) -> String {
        let prefix = "GET /"
        let suffix = " HTTP/1.1"
        return prefix + String(repeating: "a", count: length - prefix.count - suffix.count) + suffix
    }

    @Test func requestLine_atLimitParses_pastLimitIs414() {
        let limits = HTTPParserLimits.make(requestLine: 64)
        #expect(parseAllWays(requestLine(length: 64) + "\r\nHost: h\r\n\r\n", limits: limits).error == nil)
        #expect(parseAllWays(requestLine(length: 65) + "\r\nHost: h\r\n\r\n", limits: limits).error?.status == 414)
        // No CRLF at all yet: refused as soon as the line cannot fit.
        #expect(parseAllWays(String(repeating: "G", count: 100), limits: limits).error?.status == 414)
    }

    @Test func bareCRAtTheLimitBoundary_givesTheSameAnswerHoweverSplit() {
        // Found by the fuzzer: a bare CR just past the request-line limit was a 400 when fed
        // whole and a 414 when fed byte by byte; parseAllWays checks both ways agree.
        let limits = HTTPParserLimits.make(requestLine: 64)
        let line = "GET /" + String(repeating: "a", count: 59) + "x\r\u{02}Host: h\r\n\r\n"
        #expect(parseAllWays(line, limits: limits).error?.status == 414)
    }

    /// A header block of exactly `total` bytes (fields + CRLFs + final CRLF).
    private func headerBlock(total: Int) -> String {
        let host = "Host: h\r\n"
        let fixed = host.utf8.count + "X: \r\n".utf8.count + 2
        return host + "X: " + String(repeating: "v", count: total - fixed) + "\r\n\r\n"
    }

    @Test func headerBytes_atLimitParse_pastLimitIs431() {
        let limits = HTTPParserLimits.make(headerBytes: 256)
        #expect(parseAllWays("GET / HTTP/1.1\r\n" + headerBlock(total: 256), limits: limits).error == nil)
        #expect(parseAllWays("GET / HTTP/1.1\r\n" + headerBlock(total: 257), limits: limits).error?.status == 431)
    }

    @Test func headerCount_atLimitParses_pastLimitIs431() {
        let limits = HTTPParserLimits.make(headerCount: 10)
        let nine = (1...9).map { "X\($0): v\r\n" }.joined()
        #expect(parseAllWays("GET / HTTP/1.1\r\nHost: h\r\n" + nine + "\r\n", limits: limits).error == nil)
        #expect(
            parseAllWays("GET / HTTP/1.1\r\nHost: h\r\n" + nine + "X10: v\r\n\r\n", limits: limits).error?.status == 431
        )
    }

    @Test func body_atLimitParses_pastLimitIs413BeforeAnyBodyByte() {
        let limits = HTTPParserLimits.make(body: 10)
        let ok = parseAllWays("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits)
        #expect(ok.bodyText == "0123456789")
        let refused = parseAllWays("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits: limits)
        #expect(refused.error?.status == 413)
        #expect(refused.heads.isEmpty)
    }

    @Test func chunkedBody_atLimitParses_pastLimitIs413() {
        let limits = HTTPParserLimits.make(body: 10)
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(parseAllWays(head + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", limits: limits).bodyText == "0123456789")
        #expect(parseAllWays(head + "5\r\n01234\r\n6\r\n567890\r\n0\r\n\r\n", limits: limits).error?.status == 413)
    }

    @Test func defaults_matchTheDocumentedValues() {
        let limits = HTTPParserLimits()
        #expect(limits.maxRequestLineBytes == 8192)
        #expect(limits.maxHeaderBytes == 16384)
        #expect(limits.maxHeaderCount == 100)
        #expect(limits.maxBodyBytes == 10 * 1024 * 1024)
    }
}
