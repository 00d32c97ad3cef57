import ArgumentParser
import BacktestService
import Foundation

/// Where the server is and how to authenticate, shared by every client command.
struct ClientOptions: ParsableArguments {
    @Option(help: "The server (default $BACKTESTD_SERVER or http://127.0.0.1:8080).") var server: String?
    @Option(help: "An API key (default $BACKTESTD_KEY; none in single-user mode).") var key: String?

    func client() throws -> HTTPClient {
        let environment = ProcessInfo.processInfo.environment
        do {
            return try HTTPClient(
                server: server ?? environment["BACKTESTD_SERVER"] ?? "http://127.0.0.1:8080",
                key: key ?? environment["BACKTESTD_KEY"])
        } catch {
            throw ClientFailure.unreachable("\(error)")
        }
    }
}

/// The client's exit codes (docs/cli.md): 0 done, 1 the run ended ERROR or CANCELLED, 2 usage,
/// 3 the server refused (4xx; its message on stderr), 4 unreachable or a 5xx.
enum ClientFailure: Error {
    case runFailed(String)
    case refused(Int, String)
    case unreachable(String)

    var exitCode: Int32 {
        switch self {
        case .runFailed: return 1
        case .refused: return 3
        case .unreachable: return 4
        }
    }

    var message: String {
        switch self {
        case .runFailed(let text): return text
        case .refused(let status, let text): return "refused (\(status)): \(text)"
        case .unreachable(let text): return "unreachable: \(text)"
        }
    }
}

extension HTTPClient {
    /// A request whose 2xx answer is JSON; anything else becomes the matching failure.
    func json(
        _ method: String, _ path: String, body: [UInt8] = [], contentType: String? = nil,
        headers: [(String, String)] = []
    )
        throws -> (JSONValue, HTTPClient.Response)
    {
        let response: Response
        do { response = try send(method, path, body: body, contentType: contentType, headers: headers) } catch {
            throw ClientFailure.unreachable("\(error)")
        }
        try Self.check(response)
        if response.body.isEmpty { return (.null, response) }
        guard let value = try? JSONParser.parse(response.body) else {
            throw ClientFailure.unreachable("the server answered something that is not JSON")
        }
        return (value, response)
    }

    static func check(_ response: Response) throws {
        if (200...299).contains(response.status) { return }
        let envelope = try? JSONParser.parse(response.body)
        let message = envelope?["error"]?["message"]?.string ?? response.text
        let details =
            envelope?["error"]?["details"]?.array?.compactMap { detail -> String? in
                guard let path = detail["path"]?.string, let text = detail["message"]?.string else { return nil }
                return "  \(path): \(text)"
            } ?? []
        let full = ([message] + details).joined(separator: "\n")
        if response.status >= 500 { throw ClientFailure.unreachable("server error \(response.status): \(full)") }
        throw ClientFailure.refused(response.status, full)
    }
}

/// Runs a client command body, turning failures into the documented exit codes.
func runClient(_ body: () throws -> Void) throws {
    do { try body() } catch let failure as ClientFailure {
        FileHandle.standardError.write(Data("backtestd: \(failure.message)\n".utf8))
        throw ExitCode(failure.exitCode)
    }
}

/// The server's JSON untouched, for scripts.
func printRaw(_ response: HTTPClient.Response) {
    FileHandle.standardOutput.write(Data(response.body))
    if response.body.last != 10 { FileHandle.standardOutput.write(Data("\n".utf8)) }
}
