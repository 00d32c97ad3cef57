/// The origin-form request target split into decoded path segments and query (RFC 9112 §3.2.1).
struct RequestTarget {
    var path: String
    var segments: [String]
    var query: [(name: String, value: String)]

    static func parse(_ target: String) -> RequestTarget? {
        // Absolute-form is allowed for proxies (RFC 9112 §3.2.2); keep only its path.
        var rawTarget = Substring(target)
        if target == "*" { return RequestTarget(path: "*", segments: [], query: []) }
        if !target.hasPrefix("/") {
            let parts = target.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0].hasSuffix(":"), parts[1].isEmpty else { return nil }
            let rest = target.dropFirst(parts[0].count + 2)
            rawTarget = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        let pieces = rawTarget.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let rawPath = pieces[0]
        var segments: [String] = []
        for piece in rawPath.split(separator: "/") {
            guard let decoded = percentDecode(piece, plusIsSpace: false) else { return nil }
            segments.append(decoded)
        }
        guard let path = percentDecode(rawPath, plusIsSpace: false) else { return nil }
        var query: [(String, String)] = []
        if pieces.count == 2 {
            for pair in pieces[1].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = percentDecode(parts[0], plusIsSpace: true),
                    let value = percentDecode(parts.count > 1 ? parts[1] : "", plusIsSpace: true)
                else { return nil }
                query.append((name, value))
            }
        }
        return RequestTarget(path: path, segments: segments, query: query)
    }

    /// Percent-decodes UTF-8; nil on a broken escape or invalid UTF-8.
    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        if !text.utf8.contains(37) && !(plusIsSpace && text.utf8.contains(43)) { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == 37 {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if byte == 43 && plusIsSpace {
                bytes.append(32)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
