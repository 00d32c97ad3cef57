import Glibc
import Testing

@testable import HTTPServer

@Suite struct AcceptBackoffTests {
    @Test func backoff_doublesToOneSecondAndLogsOncePerEpisode() {
        var backoff = AcceptBackoff()
        #expect(AcceptBackoff.isExhaustion(EMFILE) && AcceptBackoff.isExhaustion(ENFILE))
        #expect(!AcceptBackoff.isExhaustion(ECONNABORTED))
        let delays = (0..<6).map { _ in backoff.failed() }
        #expect(delays.map(\.delay) == [0.1, 0.2, 0.4, 0.8, 1, 1])
        #expect(delays.map(\.firstInEpisode) == [true, false, false, false, false, false])
        let ended = backoff.recovered()
        let endedAgain = backoff.recovered()
        #expect(ended && !endedAgain)
        let next = backoff.failed()
        #expect(next.delay == 0.1 && next.firstInEpisode)
    }
}
