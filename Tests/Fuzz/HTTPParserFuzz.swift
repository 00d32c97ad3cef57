// libFuzzer entry over the HTTP request parser. Built by run-fuzz.sh together with the
// parser's own source files; checks that any input parses without crashing and that
// feeding it whole or one byte at a time reports the same events.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = HTTPParserLimits()
    limits.maxRequestLineBytes = 256
    limits.maxHeaderBytes = 1024
    limits.maxHeaderCount = 16
    limits.maxBodyBytes = 4096
    var whole = HTTPRequestParser(limits: limits)
    let wholeEvents = HTTPParserEvent.coalescingBodies(whole.feed(bytes))
    var single = HTTPRequestParser(limits: limits)
    var singleEvents: [HTTPParserEvent] = []
    for byte in bytes { singleEvents += single.feed([byte]) }
    if wholeEvents != HTTPParserEvent.coalescingBodies(singleEvents) {
        fatalError("parser events depend on how the input is split")
    }
    return 0
}
