import ArgumentParser
import BacktestService
import Foundation

struct CanonicalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canonicalize", abstract: "Print the RFC 8785 (JCS) canonical form of a JSON document.")

    @Argument(help: "The JSON file (standard input when omitted).") var file: String?

    func run() throws {
        let data: Data
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            data = contents
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        do {
            print(JSONWriter.canonical(try JSONParser.parse([UInt8](data))), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("invalid JSON: \(error)\n".utf8))
            throw ExitCode(65)
        }
    }
}
