import BacktestAPI
import Foundation
import Testing

@Suite struct LineWriterTests {
    @Test func lines_arriveWholeAndASlowReaderNeverBlocksTheWriter() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let writer = LineWriter(fd: writeEnd)
        let line = String(repeating: "x", count: 1000)
        let started = Date()
        // Nobody reads yet: the 64 KiB pipe fills, yet queuing 8 MiB of lines must not block.
        for _ in 0..<8000 { writer.write(line) }
        #expect(Date().timeIntervalSince(started) < 2)
        let done = DispatchSemaphore(value: 0)
        let received = LineCount()
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count <= 0 { break }
                received.add(buffer[0..<count])
            }
            done.signal()
        }.start()
        writer.flush()
        close(writeEnd)
        #expect(done.wait(timeout: .now() + 10) == .success)
        // Lines past the 4 MiB backlog were dropped (a warning line says how many); none were cut.
        #expect(received.lines > 1000 && received.lines < 8000)
        #expect(received.partial == 0)
        #expect(received.sawDropWarning)
    }
}

/// Counts newline-terminated lines and checks each is whole.
final class LineCount: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private var count = 0
    private var broken = 0
    private var warning = false

    func add(_ bytes: ArraySlice<UInt8>) {
        lock.withLock {
            if String(decoding: bytes, as: UTF8.self).contains("log lines dropped") { warning = true }
            for byte in bytes {
                if byte == 10 {
                    if current != 1000 && !warning { broken += 1 }
                    count += 1
                    current = 0
                } else {
                    current += 1
                }
            }
        }
    }

    var lines: Int { lock.withLock { count } }
    var partial: Int { lock.withLock { broken } }
    var sawDropWarning: Bool { lock.withLock { warning } }
}
