/// What the parser reports as bytes arrive.
public enum HTTPParserEvent: Sendable, Equatable {
    /// A complete request line and header block.
    case head(HTTPRequestHead)
    /// Some body bytes (already de-chunked).
    case body([UInt8])
    /// The request is complete.
    case end
    /// The input is not valid HTTP/1.1; the parser stops here.
    case error(HTTPParseError)
}
