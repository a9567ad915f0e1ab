import Foundation
import Recording
import Synchronization
import Telemetry
import Testing

/// A wall clock the test moves by hand.
final class FakeWall: Sendable {
    let value = Mutex(0.0)
    var now: Double { value.withLock { $0 } }
    func advance(_ s: Double) { value.withLock { $0 += s } }
}

@Suite struct ReplaySourceTests {
    func source(count: Int = 30, markers: [Int] = [20], quietFrom: Int? = nil) throws
        -> (ReplaySource, [Snapshot], FakeWall, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)").path
        let writer = try RecordingWriter(path: path, interval: 1, keyframeSeconds: 10)
        var gen = SyntheticSession(services: 3, busyServices: 1, flowsPerSecond: 1, flowRing: 4)
        var snaps: [Snapshot] = []
        var last: Snapshot?
        for i in 0..<count {
            var s = gen.next()
            if let q = quietFrom, i >= q, i < count - 1, var l = last {  // nothing but the clock moves
                l.time = s.time
                l.proxy?.time = s.time
                s = l
            }
            try writer.append(s)
            if markers.contains(i) { try writer.mark("checkpoint", at: s.time) }
            snaps.append(s)
            last = s
        }
        try writer.close()
        let wall = FakeWall()
        let reader = try RecordingReader(path: path)
        return (ReplaySource(reader: reader, pollInterval: .milliseconds(1), now: { wall.now }), snaps, wall, path)
    }

    @Test func playsInStepWithTheClockAndSeeks() async throws {
        let (replay, snaps, wall, path) = try source()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(await replay.snapshot() == snaps[0])
        wall.advance(1)
        #expect(await replay.snapshot() == snaps[1])
        wall.advance(3)
        #expect(await replay.snapshot() == snaps[4], "a late reader gets the current sample, not a backlog")
        // Pause: the clock stops.
        #expect(await replay.perform(.togglePause) == "paused")
        wall.advance(10)
        #expect(replay.clock.position(at: wall.now) == snaps[4].time)
        // Seek +5 s: the sample before the target first (rates over one interval), then the target.
        _ = await replay.perform(.seek(5))
        #expect(await replay.snapshot() == snaps[8])
        #expect(await replay.snapshot() == snaps[9])
        _ = await replay.perform(.seek(-5))
        #expect(await replay.snapshot() == snaps[3])
        #expect(await replay.snapshot() == snaps[4])
        // The next marker, then a larger jump, clamped to the end.
        #expect(await replay.perform(.nextMark) == "checkpoint")
        #expect(await replay.snapshot() == snaps[19])
        #expect(await replay.snapshot() == snaps[20])
        _ = await replay.perform(.seekFraction(0.5))
        _ = await replay.snapshot()
        #expect(await replay.snapshot() == snaps[29])
        #expect(await replay.perform(.previousMark) == "checkpoint")
        // Speeds step between 0.25× and 16×.
        for _ in 0..<10 { _ = await replay.perform(.faster) }
        #expect(replay.clock.speed == 16)
        for _ in 0..<10 { _ = await replay.perform(.slower) }
        #expect(replay.clock.speed == 0.25)
        #expect(await replay.perform(.toggleRecording) == "a recording cannot be changed")
        let timeline = await replay.timeline()
        #expect(timeline?.duration == 29 && timeline?.markers == [snaps[20].time])
    }

    @Test func anIdleTimeLimitSkipsQuietStretches() async throws {
        let (plain, snaps, wall, path) = try source(count: 30, markers: [], quietFrom: 5)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(plain.reader.index.samples.map(\.q) == [false, false, false, false, false] + Array(repeating: true, count: 24) + [false])
        let replay = ReplaySource(reader: plain.reader, idleTimeLimit: 2, pollInterval: .milliseconds(1), now: { wall.now })
        _ = await replay.snapshot()
        wall.advance(4)
        #expect(await replay.snapshot() == snaps[4])
        wall.advance(3)  // 3 s into a quiet stretch that lasts until the last sample
        #expect(await replay.snapshot() == snaps[29])
    }

    @Test func actionsAreRefused() async {
        let actions = RefusingActions(reason: "a recording cannot be changed")
        #expect(await actions.perform(.deletePod(ObjectRef(namespace: "default", name: "kubia-1"))) == .refused("a recording cannot be changed"))
    }
}
