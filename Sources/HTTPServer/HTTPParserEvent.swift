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

extension HTTPParserEvent {
    /// `events` with adjacent body events merged: body boundaries depend on how input was split,
    /// everything else must not (what the parser tests and the fuzz target compare).
    public static func coalescingBodies(_ events: [HTTPParserEvent]) -> [HTTPParserEvent] {
        var merged: [HTTPParserEvent] = []
        for event in events {
            if case .body(let more) = event, case .body(let previous)? = merged.last {
                merged[merged.count - 1] = .body(previous + more)
            } else {
                merged.append(event)
            }
        }
        return merged
    }
}
