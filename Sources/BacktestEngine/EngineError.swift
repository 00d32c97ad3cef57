/// An engine failure with a stable code (`engine.invalid_csv`, `engine.invalid_grid`, …) and,
/// for input errors, the problems found (first 20).
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem, located by a path (`strategy.params.fast`) or a CSV line (`line 12`).
    public struct Problem: Sendable, Equatable {
        public let path: String
        public let message: String
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
    }

    public let code: String
    public let message: String
    public let problems: [Problem]

    public init(code: String, message: String, problems: [Problem] = []) {
        self.code = code
        self.message = message
        self.problems = problems
    }

    public static let cancelled = EngineError(code: "engine.cancelled", message: "the run was cancelled")

    public var description: String {
        ([message] + problems.map { "\($0.path): \($0.message)" }).joined(separator: "; ")
    }
}
