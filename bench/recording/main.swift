// The recording benchmark (issue 8): an hour of synthetic 1 Hz samples of a 100-service cluster
// written through RecordingWriter, then seeks into the file. Built in release against the
// Recording module by bench/recording-bench.sh (the switchboard-bench target does not link it).
import Foundation
import Recording
import Telemetry

func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

func wall() -> Double { Date().timeIntervalSince1970 }

let args = CommandLine.arguments
let seconds = args.count > 1 ? Int(args[1])! : 3600
let services = args.count > 2 ? Int(args[2])! : 100
let keyframeSeconds = args.count > 3 ? Double(args[3])! : 120
let path = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(getpid()).swrec").path
let keep = ProcessInfo.processInfo.environment["RECORDING_BENCH_KEEP"]
defer { if let keep { try? FileManager.default.moveItem(atPath: path, toPath: keep) } else { try? FileManager.default.removeItem(atPath: path) } }

var gen = SyntheticSession(services: services)
var samples: [Snapshot] = []
samples.reserveCapacity(seconds)
for _ in 0..<seconds { samples.append(gen.next()) }

let writer = try RecordingWriter(path: path, interval: 1, keyframeSeconds: keyframeSeconds, now: samples[0].time)
var worst = 0.0
let cpu0 = cpuSeconds()
for (i, s) in samples.enumerated() {
    let c = cpuSeconds()
    try writer.append(s)
    if i % 600 == 300 { try writer.mark("m\(i)", at: s.time) }
    worst = max(worst, cpuSeconds() - c)
}
try writer.close()
let writeCPU = cpuSeconds() - cpu0
let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0

let o0 = wall()
let reader = try RecordingReader(path: path)
let openTime = wall() - o0
var seekTimes: [Double] = []
var seekCPU: [Double] = []
var rng = SystemRandomNumberGenerator()
for _ in 0..<50 {
    let t = samples[0].time + Double.random(in: 0..<Double(seconds), using: &rng)
    let s0 = wall(), c0 = cpuSeconds()
    let snap = try reader.snapshot(at: t)
    seekTimes.append(wall() - s0)
    seekCPU.append(cpuSeconds() - c0)
    precondition(snap == samples[Int(t - samples[0].time)], "seek returned a different sample")
}
seekTimes.sort()
seekCPU.sort()
let mbPerHour = Double(size) / 1_000_000 * 3600 / Double(seconds)
print("services=\(services) seconds=\(seconds) keyframes=\(reader.index.samples.filter(\.k).count)")
print(String(format: "file: %.2f MB (%.2f MB per hour)", Double(size) / 1e6, mbPerHour))
print(String(format: "recording CPU: %.1f ms per sample (worst %.1f ms) = %.2f%% of one core at 1 Hz",
             writeCPU / Double(seconds) * 1000, worst * 1000, writeCPU / Double(seconds) * 100))
print(String(format: "open (index from tail, checksums): %.0f ms", openTime * 1000))
print(String(format: "seek to a random time: median %.1f ms, max %.1f ms wall; CPU median %.1f ms, max %.1f ms (50 seeks, each checked against the sample written)",
             seekTimes[seekTimes.count / 2] * 1000, seekTimes.last! * 1000, seekCPU[seekCPU.count / 2] * 1000, seekCPU.last! * 1000))
let kf = reader.index.samples.filter(\.k).count
print("keyframes: \(kf), samples: \(reader.index.samples.count), load average: \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?")")
