// libFuzzer entry over the WebSocket frame parser. Built by run-fuzz.sh with the parser's own
// source files; checks that any input parses without crashing and that feeding it whole, one
// byte at a time or in pieces of three reports the same events.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebSocketFrames(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = WebSocketFrameParser.Limits(maxFrameBytes: 512, maxMessageBytes: 1024)
    var whole = WebSocketFrameParser(limits: limits)
    let expected = whole.feed(bytes)
    var single = WebSocketFrameParser(limits: limits)
    var byByte: [WebSocketFrameParser.Event] = []
    for byte in bytes { byByte += single.feed([byte]) }
    var pieces = WebSocketFrameParser(limits: limits)
    var byPiece: [WebSocketFrameParser.Event] = []
    for start in stride(from: 0, to: bytes.count, by: 3) {
        byPiece += pieces.feed(bytes[start..<min(start + 3, bytes.count)])
    }
    if expected != byByte || expected != byPiece {
        fatalError("frame parser events depend on how the input is split")
    }
    return 0
}
