import Foundation
import Recording
import Telemetry
import Testing

/// Writes `count` synthetic samples (small: 5 services) to a temporary file.
func writeSession(count: Int, services: Int = 5, keyframeSeconds: Double = 4, close: Bool = true,
                  markers: [Int] = []) throws -> (path: String, snapshots: [Snapshot], sizes: [Int]) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).swrec").path
    let writer = try RecordingWriter(path: path, interval: 1, keyframeSeconds: keyframeSeconds, title: "test", now: 1_800_000_000)
    var gen = SyntheticSession(services: services, busyServices: 2, flowsPerSecond: 3, flowRing: 8)
    var snaps: [Snapshot] = []
    var sizes: [Int] = []
    for i in 0..<count {
        let s = gen.next()
        try writer.append(s)
        if markers.contains(i) { try writer.mark("m\(i)", at: s.time) }
        snaps.append(s)
        sizes.append(writer.size)
    }
    if close { try writer.close() }
    return (path, snaps, sizes)
}

@Suite struct RecordingFileTests {
    @Test func everySampleReplaysAsRecorded() throws {
        let (path, snaps, _) = try writeSession(count: 40, markers: [7])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try RecordingReader(path: path)
        #expect(reader.indexFromTail)
        #expect(reader.problems.isEmpty)
        #expect(try reader.allSnapshots() == snaps)
        // Random access: nearest keyframe at or before t, plus deltas.
        for i in [39, 0, 17, 4, 3, 25, 26] {
            #expect(try reader.snapshot(at: snaps[i].time + 0.5) == snaps[i])
        }
        #expect(reader.index.markers.map(\.label) == ["m7"])
        #expect(reader.index.samples.filter(\.k).count == 10)
    }

    @Test func aFileNeverClosedRebuildsItsIndexByAScan() throws {
        let (path, snaps, _) = try writeSession(count: 12, close: false, markers: [3])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try RecordingReader(path: path)
        #expect(!reader.indexFromTail)
        #expect(reader.problems.first?.contains("no index") == true)
        #expect(try reader.allSnapshots() == snaps)
        #expect(reader.index.markers.map(\.label) == ["m3"])
    }

    /// Cut the file at every byte: before the first whole sample it is refused with a message;
    /// after it, every whole sample replays and the cut is reported.
    @Test func truncatedAtEveryByteReplaysEveryWholeSample() throws {
        let (path, snaps, sizes) = try writeSession(count: 6, services: 1, keyframeSeconds: 3)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = Array(FileManager.default.contents(atPath: path)!)
        let indexStart = sizes.last!
        // Cuts that leave the same whole records replay the same bytes: decode once per index.
        var decoded: [RecordingIndex: [Snapshot]] = [:]
        for cut in 0..<bytes.count {
            let prefix = Array(bytes[0..<cut])
            do {
                let reader = try RecordingReader(bytes: prefix, path: "cut")
                let got = try decoded[reader.index] ?? reader.allSnapshots()
                decoded[reader.index] = got
                let surelyWhole = sizes.filter { $0 <= cut }.count
                #expect(got.count >= surelyWhole, "cut at \(cut)")
                #expect(got == Array(snaps.prefix(got.count)), "cut at \(cut)")
                if cut < indexStart { #expect(!reader.problems.isEmpty, "cut at \(cut)") }
                if cut > indexStart { #expect(got.count == snaps.count) }
            } catch let e as RecordingError {
                #expect(e.description.contains("not a switchboard recording") || e.description.contains("no whole sample"),
                        "cut at \(cut): \(e)")
                #expect(cut < sizes[0] + 1, "cut at \(cut) refused: \(e)")
            }
        }
    }

    @Test func aCorruptedRecordInTheMiddleIsSkippedAndTheRestReplays() throws {
        for closed in [true, false] {
            let (path, snaps, sizes) = try writeSession(count: 12, keyframeSeconds: 4, close: closed)
            defer { try? FileManager.default.removeItem(atPath: path) }
            var bytes = Array(FileManager.default.contents(atPath: path)!)
            // Sample 5 is a delta (keyframes at 0, 4, 8): flip a byte inside its payload.
            let middle = (sizes[4] + sizes[5]) / 2
            bytes[middle] ^= 0x5A
            let reader = try RecordingReader(bytes: bytes, path: "corrupt")
            #expect(reader.problems.contains { $0.contains("damaged") }, "\(reader.problems)")
            #expect(reader.problems.contains { $0.contains("skipped") && $0.contains("next keyframe") })
            let got = try reader.allSnapshots()
            #expect(Array(got.prefix(5)) == Array(snaps.prefix(5)))
            #expect(Array(got.suffix(4)) == Array(snaps.suffix(4)), "from the next keyframe on, every sample")
            #expect(got.count == 9)
            #expect(try reader.snapshot(at: snaps[6].time) == snaps[4], "a lost sample shows the last whole one")
        }
    }

    @Test func aNewerMajorVersionIsRefusedWithAMessage() throws {
        let (path, _, _) = try writeSession(count: 3)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = Array(FileManager.default.contents(atPath: path)!)
        bytes[8] = 2
        bytes[10] = 3
        #expect(throws: RecordingError.newerVersion(path: "new", major: 2, minor: 3)) {
            try RecordingReader(bytes: bytes, path: "new")
        }
        let message = RecordingError.newerVersion(path: "new", major: 2, minor: 3).description
        #expect(message.contains("2.3") && message.contains("newer switchboard"))
        bytes[8] = 1
        bytes[10] = 9  // a newer minor is read
        #expect(try RecordingReader(bytes: bytes).index.samples.count == 3)
    }

    @Test func notARecordingIsSaidSo() {
        #expect(throws: RecordingError.notARecording("x")) { try RecordingReader(bytes: Array("hello world, not a file".utf8), path: "x") }
    }

    @Test func aQuietSecondIsASmallDelta() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quiet-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try RecordingWriter(path: path, interval: 1, keyframeSeconds: 60)
        var gen = SyntheticSession(services: 100, busyServices: 0, flowsPerSecond: 0)
        var s = gen.next()
        try writer.append(s)
        let afterKeyframe = writer.size
        s.time += 1
        s.proxy?.time += 1
        try writer.append(s)
        #expect(writer.size - afterKeyframe < 100, "only the clock changed")
        try writer.close()
        let reader = try RecordingReader(path: path)
        #expect(reader.index.samples.map(\.q) == [false, true])
    }
}
