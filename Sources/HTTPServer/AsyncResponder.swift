/// Runs an `.async` handler off the event loop and hands its response back to the loop.
enum AsyncResponder {
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
