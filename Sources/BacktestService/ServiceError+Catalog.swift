import Catalog

extension ServiceError {
    /// A catalog write that answers a client failed: a full disk is the client's to know (507,
    /// retry later), anything else is an internal error that may pass (500, retryable).
    static func catalogRefused(_ error: any Error, _ what: String) -> ServiceError {
        if let error = error as? any CatalogFailure, error.isDiskFull {
            return ServiceError(
                code: "insufficient_storage", message: "the catalog's disk is full: \(what) was not stored",
                retryAfterSeconds: 60)
        }
        return ServiceError(code: "internal", message: "the catalog refused \(what)", retryAfterSeconds: 1)
    }
}
