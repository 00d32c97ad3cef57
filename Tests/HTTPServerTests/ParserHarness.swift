import Testing

@testable import HTTPServer

/// Feeds `input` whole and one byte at a time, checks both give the same events, returns them.
func parseAllWays(
    _ input: String, limits: HTTPParserLimits = HTTPParserLimits(), sourceLocation: SourceLocation = #_sourceLocation
)
    -> [HTTPParserEvent]
{
    parseAllWays(Array(input.utf8), limits: limits, sourceLocation: sourceLocation)
}

func parseAllWays(
    _ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits(), sourceLocation: SourceLocation = #_sourceLocation
)
    -> [HTTPParserEvent]
{
    var whole = HTTPRequestParser(limits: limits)
    let wholeEvents = coalesced(whole.feed(bytes))
    var single = HTTPRequestParser(limits: limits)
    var singleEvents: [HTTPParserEvent] = []
    for byte in bytes { singleEvents += single.feed([byte]) }
    #expect(coalesced(singleEvents) == wholeEvents, "byte-at-a-time differs", sourceLocation: sourceLocation)
    return wholeEvents
}

/// Three copies of a valid message in one buffer give three copies of its events.
func expectPipelines(_ input: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let once = parseAllWays(input, sourceLocation: sourceLocation)
    let thrice = parseAllWays(input + input + input, sourceLocation: sourceLocation)
    #expect(thrice == once + once + once, "pipelined copies differ", sourceLocation: sourceLocation)
}

func coalesced(_ events: [HTTPParserEvent]) -> [HTTPParserEvent] { HTTPParserEvent.coalescingBodies(events) }

extension [HTTPParserEvent] {
    var heads: [HTTPRequestHead] {
        compactMap { if case .head(let head) = $0 { return head } else { return nil } }
    }
    var error: HTTPParseError? {
        for event in self { if case .error(let error) = event { return error } }
        return nil
    }
    var bodyText: String {
        String(
            decoding: flatMap { event -> [UInt8] in if case .body(let bytes) = event { return bytes } else { return [] }
            }, as: UTF8.self)
    }
}

extension HTTPParserLimits {
    static func make(requestLine: Int = 8192, headerBytes: Int = 16384, headerCount: Int = 100, body: Int = 1 << 20)
        -> HTTPParserLimits
    {
        var limits = HTTPParserLimits()
        limits.maxRequestLineBytes = requestLine
        limits.maxHeaderBytes = headerBytes
        limits.maxHeaderCount = headerCount
        limits.maxBodyBytes = body
        return limits
    }
}
