/// For async handlers (streaming routes) with a synchronous step that may block — parsing an
/// upload, a database commit: runs it on the pool of `.blocking` routes and awaits the result, so
/// no cooperative thread waits on it.
public enum BlockingWork {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            AsyncResponder.blockingPool.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
