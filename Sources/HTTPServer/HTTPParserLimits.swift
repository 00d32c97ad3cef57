/// Size limits the parser enforces; each is configuration with the default documented here.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request line, CRLF excluded (default 8 KiB) → 414 past it.
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Largest header block after the request line, CRLFs included (default 16 KiB) → 431 past it.
    public var maxHeaderBytes: Int = 16 * 1024
    /// Most header fields (default 100) → 431 past it.
    public var maxHeaderCount: Int = 100
    /// Largest body (default 10 MiB) → 413, refused before it is read when announced by Content-Length.
    public var maxBodyBytes: Int = 10 * 1024 * 1024

    public init() {}
}
