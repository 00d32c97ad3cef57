import Testing

@testable import Catalog

/// Any role that may connect to the database can send a NOTIFY on our channel, so the listener
/// takes only payloads an event could have produced; anything else is dropped, never trusted.
struct NotifyPayloadTests {
    @Test func whatTheCatalogWrites_readsBack() throws {
        let payload = Catalog.notifyPayload(runID: "run_0123", seq: 42)
        let parsed = try #require(EventListener.parse(payload))
        #expect(parsed.0 == "run_0123")
        #expect(parsed.1 == 42)
        #expect(EventListener.parse(#"{"run_id":"r","seq":0}"#)?.1 == 0)
    }

    @Test func forgedPayloads_areDropped() {
        for payload in [
            #"{"run_id":"r","seq":-1}"#, #"{"run_id":"r","seq":-9223372036854775808}"#,
            #"{"run_id":"r","seq":9223372036854775807}"#, #"{"run_id":"r","seq":1e300}"#,
            #"{"run_id":"r","seq":"7"}"#, #"{"run_id":7,"seq":7}"#, #"{"seq":7}"#, "not json", "",
        ] {
            #expect(EventListener.parse(payload) == nil, "\(payload)")
        }
    }
}
