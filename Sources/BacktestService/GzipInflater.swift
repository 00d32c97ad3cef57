import CZlib

/// Streaming gzip decompression (RFC 1952) through zlib: compressed pieces in, decompressed pieces
/// out, never the whole file in memory. Concatenated members (what `cat a.gz b.gz` makes) are one
/// stream, as `gunzip` reads them.
final class GzipInflater {
    /// Why the input is not gzip (zlib's message when it gave one).
    struct Invalid: Error {
        let message: String
    }

    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 256 * 1024)
    private var open = false
    /// Between members: the last member ended and no byte of the next arrived yet.
    private(set) var atMemberEnd = false

    init() throws(Invalid) {
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw Invalid(message: "zlib could not start") }
        open = true
    }

    deinit {
        if open { inflateEnd(&stream) }
    }

    /// Decompresses `input`, handing each decompressed piece to `sink` (valid only during the call).
    func inflate(_ input: [UInt8], into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !input.isEmpty else { return }
        try input.withUnsafeBytes { raw in
            guard let base = raw.bindMemory(to: Bytef.self).baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(raw.count)
            defer {
                stream.next_in = nil
                stream.avail_in = 0
            }
            while stream.avail_in > 0 {
                if atMemberEnd {
                    guard inflateReset(&stream) == Z_OK else { throw Invalid(message: "zlib could not restart") }
                    atMemberEnd = false
                }
                try output.withUnsafeMutableBytes { out in
                    guard let outBase = out.bindMemory(to: Bytef.self).baseAddress else { return }
                    repeat {
                        stream.next_out = outBase
                        stream.avail_out = uInt(out.count)
                        let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        let produced = out.count - Int(stream.avail_out)
                        if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: out[0..<produced])) }
                        switch status {
                        case Z_OK: continue
                        case Z_STREAM_END:
                            atMemberEnd = true
                            return
                        case Z_BUF_ERROR where stream.avail_in == 0:
                            return  // needs more input
                        default:
                            let detail = stream.msg.map { String(cString: $0) } ?? "corrupt data"
                            throw Invalid(message: detail)
                        }
                    } while stream.avail_in > 0 || stream.avail_out == 0
                }
            }
        }
    }

    /// Throws unless the input ended exactly at the end of a member.
    func finish() throws(Invalid) {
        guard atMemberEnd else { throw Invalid(message: "the gzip stream is truncated") }
    }
}
