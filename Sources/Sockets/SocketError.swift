import Glibc

/// A failed system call, with `errno` and its text captured at the failure site
/// (before a later `close()` can overwrite them).
public struct SocketError: Error, Sendable, CustomStringConvertible {
    /// Stable code, e.g. `socket.bind`.
    public let code: String
    /// The `errno` value at the failure.
    public let errno: Int32
    /// `strerror(errno)` at the failure.
    public let message: String

    /// Captures the current `errno` for the call named `call`.
    public static func capture(_ call: String) -> SocketError {
        let value = Glibc.errno
        return SocketError(code: "socket.\(call)", errno: value, message: String(cString: strerror(value)))
    }

    public init(code: String, errno: Int32, message: String) {
        self.code = code
        self.errno = errno
        self.message = message
    }

    public var description: String { "\(code): \(message) (errno \(errno))" }
}
