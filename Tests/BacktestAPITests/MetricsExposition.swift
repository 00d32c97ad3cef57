import TestSupport

/// A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be
/// a `# HELP`/`# TYPE` comment or a well-formed sample, or the scrape is refused.
struct MetricsExposition {
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    var types: [String: String] = [:]
    var samples: [Sample] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2 else { throw TestClient.Failure(message: "bad TYPE line: \(line)") }
                types[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("#") {
                continue
            } else {
                samples.append(try Self.sample(String(line)))
            }
        }
    }

    private static func sample(_ line: String) throws -> Sample {
        let failure = TestClient.Failure(message: "bad sample line: \(line)")
        var name = ""
        var labels: [String: String] = [:]
        var rest = Substring(line)
        if let brace = line.firstIndex(of: "{") {
            name = String(line[..<brace])
            guard let close = line.lastIndex(of: "}") else { throw failure }
            var body = line[line.index(after: brace)..<close]
            while !body.isEmpty {
                guard let equals = body.firstIndex(of: "="), body[body.index(after: equals)] == "\"" else {
                    throw failure
                }
                let key = String(body[..<equals])
                var value = ""
                var index = body.index(equals, offsetBy: 2)
                while index < body.endIndex && body[index] != "\"" {
                    if body[index] == "\\" { index = body.index(after: index) }
                    guard index < body.endIndex else { throw failure }
                    value.append(body[index])
                    index = body.index(after: index)
                }
                guard index < body.endIndex else { throw failure }
                labels[key] = value
                body = body[body.index(after: index)...]
                if body.hasPrefix(",") { body = body.dropFirst() }
            }
            rest = line[line.index(after: close)...]
        } else {
            guard let space = line.firstIndex(of: " ") else { throw failure }
            name = String(line[..<space])
            rest = line[space...]
        }
        let fields = rest.split(separator: " ")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }),
            fields.count == 1 || fields.count == 2, let value = Double(fields[0])
        else { throw failure }
        return Sample(name: name, labels: labels, value: value)
    }

    /// The value of the one sample `name` with exactly `labels` (nil when absent).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// Samples of `name` whose labels include `labels`.
    func matching(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
    }
}
