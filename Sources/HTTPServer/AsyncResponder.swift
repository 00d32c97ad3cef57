import Dispatch

/// Runs an `.async` or `.blocking` handler off the event loop and hands its response back to the loop.
enum AsyncResponder {
    /// Threads for `.blocking` handlers: Dispatch adds threads while they block, so one slow
    /// commit never holds up the others, and Swift tasks (streams, SSE) keep their threads.
    static let blockingPool = DispatchQueue(label: "backtestd.http.blocking", attributes: .concurrent)

    static func spawnBlocking(
        _ run: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse, _ request: HTTPRequest, loop: EventLoop,
        fd: Int32, id: UInt64
    ) {
        blockingPool.async {
            let response: HTTPResponse
            do { response = try run(request) } catch { response = Connection.errorResponse(error) }
            loop.execute { loop.connection(fd, id: id)?.respond(response) }
        }
    }

    static func spawn(
        _ run: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse, _ request: HTTPRequest,
        loop: EventLoop, fd: Int32, id: UInt64
    ) {
        Task {
            let response: HTTPResponse
            do { response = try await run(request) } catch { response = Connection.errorResponse(error) }
            loop.execute { loop.connection(fd, id: id)?.respond(response) }
        }
    }
}
