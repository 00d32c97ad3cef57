import BacktestService
import Foundation
import TestSupport
import Testing

/// Keys made through the service (as `POST /keys` does).
func makeKey(_ service: BacktestService, owner: String, tier: String) throws -> String {
    let (document, _) = try service.createKey(body: Array(#"{"owner":"\#(owner)","tier":"\#(tier)"}"#.utf8))
    guard let key = document["key"]?.string else { throw TestClient.Failure(message: "no key in \(document)") }
    return key
}

func bearer(_ key: String) -> [String] { ["Authorization: Bearer \(key)"] }

/// A small grid made distinct by `seed` (a distinct input: not answered `EXISTS`).
func seededGrid(_ seed: Int) -> String {
    #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10]},"slow":{"values":[50]}},"seed":\#(seed)}"#
}

let tinyCSV = "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n2,1,1,1,1,1\n3,1,1,1,1,1\n"
