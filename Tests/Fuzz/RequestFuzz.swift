// libFuzzer entry over the JSON request path: bytes → JSONParser → RequestParser (validate,
// apply defaults, normalize) → RFC 8785 canonical text → SHA-256 input hash. Built by
// run-fuzz.sh from the service's request files, linked with the engine and swift-crypto.
// Beyond "no crash": a request that parses must parse again from its own canonical form to the
// same canonical form and hash (normalization is idempotent, so the hash is stable).

import BacktestEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = RequestParser(maxGridVariants: 1_000_000, requiresData: false)
    guard let request = try? parser.parse(bytes) else { return 0 }
    let canonical = JSONWriter.canonical(request.normalized)
    let dataset = String(repeating: "0", count: 64)
    let hash = InputHash.compute(normalized: request.normalized, datasetSHA256: dataset)
    let again: BacktestRequest
    do { again = try parser.parse(Array(canonical.utf8)) } catch {
        fatalError("the canonical form of an accepted request is refused: \(error) for \(canonical)")
    }
    let canonicalAgain = JSONWriter.canonical(again.normalized)
    guard canonicalAgain == canonical,
        InputHash.compute(normalized: again.normalized, datasetSHA256: dataset) == hash
    else { fatalError("normalization is not idempotent: \(canonical) became \(canonicalAgain)") }
    // Within the configured limit, before anything would be allocated per variant.
    if request.grid.validCount > parser.maxGridVariants {
        fatalError("accepted \(request.grid.validCount) variants, over the limit")
    }
    return 0
}
