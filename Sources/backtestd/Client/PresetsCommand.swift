import ArgumentParser
import BacktestService
import Foundation

/// `backtestd presets list|show|create|delete`.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets", abstract: "Saved configurations.",
        subcommands: [List.self, Show.self, Create.self, Delete.self])

    struct List: ParsableCommand {
        @OptionGroup var options: ClientOptions
        @Flag(help: "The server's JSON, untouched.") var json = false

        func run() throws {
            try runClient {
                let (value, response) = try options.client().json("GET", "/presets?limit=500")
                if json { return printRaw(response) }
                let rows = (value["presets"]?.array ?? []).map { preset in
                    [
                        preset["preset_id"]?.string ?? "", preset["name"]?.string ?? "",
                        preset["created_at"]?.string ?? "",
                    ]
                }
                print(TextTable.render(["preset", "name", "created"], rows))
            }
        }
    }

    struct Show: ParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument(help: "The preset id.") var preset: String

        func run() throws {
            try runClient { printRaw(try options.client().json("GET", "/presets/\(preset)").1) }
        }
    }

    struct Create: ParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument(help: "The name.") var name: String
        @Argument(help: "The config file (a backtest body).") var config: String

        func run() throws {
            try runClient {
                guard let data = FileManager.default.contents(atPath: config),
                    let value = try? JSONParser.parse([UInt8](data))
                else { throw ValidationError("cannot read JSON from \(config)") }
                let body = JSONWriter.compact(.object([("name", .string(name)), ("config", value)]))
                let (created, _) = try options.client().json(
                    "POST", "/presets", body: Array(body.utf8), contentType: "application/json")
                print(created["preset_id"]?.string ?? "")
            }
        }
    }

    struct Delete: ParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument(help: "The preset id.") var preset: String

        func run() throws {
            try runClient {
                _ = try options.client().json("DELETE", "/presets/\(preset)", contentType: "application/json")
                print("\(preset) deleted")
            }
        }
    }
}
