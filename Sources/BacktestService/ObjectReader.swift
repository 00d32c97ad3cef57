import BacktestEngine

/// Reads fields of one JSON object, collecting problems with their paths and refusing
/// members nobody asked for (`extra fields forbidden`).
struct ObjectReader {
    let path: String
    private let members: [(String, JSONValue)]
    private var used = Set<String>()
    private(set) var problems: [ServiceError.Detail] = []

    init(_ value: JSONValue?, path: String, problems: inout [ServiceError.Detail]) {
        self.path = path
        if let value, let members = value.objectMembers {
            self.members = members
        } else {
            self.members = []
            if let value, !value.isNull {
                problems.append(.init(path: path.isEmpty ? "$" : path, message: "must be an object"))
            }
        }
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func raw(_ key: String) -> JSONValue? {
        used.insert(key)
        guard let value = members.first(where: { $0.0 == key })?.1, !value.isNull else { return nil }
        return value
    }

    mutating func fail(_ key: String, _ message: String) {
        problems.append(.init(path: child(key), message: message))
    }

    mutating func number(_ key: String, default value: Double, _ range: ClosedRange<Double>, open: Bool = false)
        -> Double
    {
        guard let raw = raw(key) else { return value }
        guard let number = raw.number else {
            fail(key, "must be a number")
            return value
        }
        if !range.contains(number) || (open && number == range.lowerBound) {
            fail(
                key,
                open
                    ? "must be greater than \(format(range.lowerBound)) and at most \(format(range.upperBound))"
                    : "must be between \(format(range.lowerBound)) and \(format(range.upperBound))")
            return value
        }
        return number
    }

    mutating func optionalNumber(_ key: String, _ range: ClosedRange<Double>) -> Double? {
        guard raw(key) != nil else { return nil }
        let value = number(key, default: .nan, range, open: true)
        return value.isNaN ? nil : value
    }

    mutating func integer(_ key: String, default value: Int, _ range: ClosedRange<Int>) -> Int {
        guard let raw = raw(key) else { return value }
        guard let integer = raw.integer else {
            fail(key, "must be an integer")
            return value
        }
        guard range.contains(integer) else {
            fail(key, "must be between \(range.lowerBound) and \(range.upperBound)")
            return value
        }
        return integer
    }

    mutating func bool(_ key: String, default value: Bool) -> Bool {
        guard let raw = raw(key) else { return value }
        guard let flag = raw.bool else {
            fail(key, "must be true or false")
            return value
        }
        return flag
    }

    mutating func string(_ key: String) -> String? {
        guard let raw = raw(key) else { return nil }
        guard let text = raw.string else {
            fail(key, "must be a string")
            return nil
        }
        return text
    }

    mutating func choice(_ key: String, default value: String, _ allowed: [String]) -> String {
        guard let text = string(key) else { return value }
        guard allowed.contains(text) else {
            fail(key, "must be one of \(allowed.joined(separator: ", "))")
            return value
        }
        return text
    }

    /// Problems including unknown members; call once all fields were read.
    func finish(into all: inout [ServiceError.Detail]) {
        all += problems
        for (key, _) in members where !used.contains(key) {
            all.append(.init(path: child(key), message: "extra fields forbidden"))
        }
    }

    private func format(_ value: Double) -> String { ParameterGrid.format(value) }
}
