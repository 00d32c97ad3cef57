import CLibPQ
import Foundation

/// A failed PostgreSQL call: a stable code, the SQLSTATE and the SQL — never bound values
/// (parameters travel apart from the SQL text, so the server's message cannot quote them either,
/// except a constraint's `DETAIL`, which is not kept).
public struct PostgresError: CatalogFailure, Equatable {
    /// `catalog.busy`, `catalog.constraint`, `catalog.io`, `catalog.unavailable`, `catalog.postgres`, …
    public let code: String
    /// The five-character SQLSTATE (`23505` unique violation, `08006` connection failure, …).
    public let sqlState: String
    public let message: String
    public let sql: String?

    init(sqlState: String, message: String, sql: String?) {
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
        switch sqlState {
        case "40001", "40P01", "55P03", "57014": code = "catalog.busy"
        case "53100", "53200", "58030": code = "catalog.io"
        case "XX001", "XX002": code = "catalog.corrupt"
        case "22000"..."22ZZZ", "42000"..."42ZZZ": code = "catalog.invalid"
        default:
            if sqlState.hasPrefix("23") {
                code = "catalog.constraint"
            } else if sqlState.hasPrefix("08") || sqlState.hasPrefix("57P") {
                code = "catalog.unavailable"
            } else {
                code = "catalog.postgres"
            }
        }
    }

    /// The error a failed result carries (its SQLSTATE and primary message).
    init(result: OpaquePointer?, connection: OpaquePointer?, sql: String?) {
        let field = { (name: Character) -> String? in
            guard let result, let ascii = name.asciiValue,
                let pointer = PQresultErrorField(result, Int32(ascii))
            else { return nil }
            return String(cString: pointer)
        }
        let fallback = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "error"
        // No SQLSTATE: the connection itself failed (libpq reports those without one).
        self.init(
            sqlState: field("C") ?? "08006",
            message: (field("M") ?? fallback).trimmingCharacters(in: .whitespacesAndNewlines), sql: sql)
    }

    public var isConstraintViolation: Bool { sqlState.hasPrefix("23") }

    /// `53100 disk_full`.
    public var isDiskFull: Bool { sqlState == "53100" }

    public var description: String {
        "\(code) (SQLSTATE \(sqlState)): \(message)" + (sql.map { " in: \($0)" } ?? "")
    }
}
