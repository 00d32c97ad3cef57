import Foundation

/// A failed file call on a dataset's bars file (SQLite catalogs keep the bars beside the catalog,
/// `DatasetBarFiles`). A full disk or quota reads as the catalog's disk being full, so the
/// service answers it like SQLite's own SQLITE_FULL.
public struct DatasetFileError: CatalogFailure, Equatable {
    /// `catalog.io` for a failed system call, `catalog.corrupt` for a file that is not what its
    /// row expects (missing, or of the wrong size), `catalog.invalid` for an id that is no file name.
    public let code: String
    /// What failed, with the path and the system's reason.
    public let message: String
    /// The `errno` of the failed call (0 when no call failed).
    public let errorNumber: Int32

    init(_ operation: String, path: String, errorNumber: Int32 = errno, code: String = "catalog.io") {
        self.errorNumber = errorNumber
        self.code = code
        message = "\(operation) \(path): \(String(cString: strerror(errorNumber)))"
    }

    /// The same failure, as the catalog reports it.
    init(_ failure: DurableFiles.Failure) {
        self.init(failure.operation, path: failure.path, errorNumber: failure.errorNumber)
    }

    init(code: String, message: String) {
        self.code = code
        self.message = message
        errorNumber = 0
    }

    public var sql: String? { nil }
    public var isConstraintViolation: Bool { false }
    public var isDiskFull: Bool { errorNumber == ENOSPC || errorNumber == EDQUOT }
    public var description: String { "\(code): \(message)" }
}
