import Foundation

/// The session file's version. A reader refuses a newer major version with a message rather than
/// misreading it, and accepts a newer minor (it skips record kinds it does not know).
public enum RecordingFormat {
    public static let majorVersion = 1
    public static let minorVersion = 0
    /// The first 8 bytes of every session file; major and minor (u16 little-endian) follow.
    public static let magic: [UInt8] = Array("SWBDREC\n".utf8)
    public static let preambleSize = 12
    /// Ends a cleanly closed file: `"SBIX"` after the index record's offset (u64), so a reader
    /// finds the index without a scan.
    public static let tailMagic: [UInt8] = Array("SBIX".utf8)
    public static let tailSize = 12
}

/// What the first record says about the session.
public struct RecordingHeader: Sendable, Codable, Hashable {
    public var format = "switchboard-recording"
    public var major = RecordingFormat.majorVersion
    public var minor = RecordingFormat.minorVersion
    /// Seconds since the Unix epoch when recording began.
    public var created: Double
    /// Seconds between samples.
    public var interval: Double
    /// Seconds between keyframes (a seek decodes at most this many deltas).
    public var keyframeSeconds: Double
    public var producer: String
    /// What was recorded (the manifests' paths), for the replay's title.
    public var title: String

    public init(created: Double, interval: Double, keyframeSeconds: Double, producer: String = "switchboard",
                title: String = "") {
        self.created = created
        self.interval = interval
        self.keyframeSeconds = keyframeSeconds
        self.producer = producer
        self.title = title
    }
}

/// Where every sample, marker and event of a session is: written on a clean close, rebuilt by a
/// scan otherwise. An accelerator, never the truth: the records are.
public struct RecordingIndex: Sendable, Codable, Hashable {
    public struct Sample: Sendable, Codable, Hashable {
        public var t: Double
        /// Byte offset of the sample's record.
        public var o: Int
        /// A keyframe (a seek starts here).
        public var k: Bool
        /// Nothing but the clock changed (the idle-time limit skips runs of these).
        public var q: Bool
    }

    public struct Mark: Sendable, Codable, Hashable {
        public var t: Double
        public var label: String
    }

    public var samples: [Sample] = []
    public var markers: [Mark] = []
    /// Cluster Events by the time they were first recorded, labelled `Reason object`.
    public var events: [Mark] = []

    public init() {}

    public var start: Double? { samples.first?.t }
    public var end: Double? { samples.last?.t }

    /// The last sample at or before `t` (the first sample when `t` is earlier).
    public func sampleIndex(atOrBefore t: Double) -> Int? {
        guard !samples.isEmpty else { return nil }
        var lo = 0, hi = samples.count - 1
        if samples[0].t > t { return 0 }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if samples[mid].t <= t { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The keyframe a seek to sample `i` starts from.
    public func keyframeIndex(forSample i: Int) -> Int? {
        var j = i
        while j >= 0 {
            if samples[j].k { return j }
            j -= 1
        }
        return nil
    }
}

/// Why a file cannot be replayed at all. Damage that leaves whole records is not an error: the
/// reader replays what is whole and lists the damage in `RecordingReader.problems`.
public enum RecordingError: Error, Sendable, CustomStringConvertible, Equatable {
    case notARecording(String)
    case newerVersion(path: String, major: Int, minor: Int)
    case noSamples(String)
    case io(String)

    public var description: String {
        switch self {
        case let .notARecording(p): "\(p) is not a switchboard recording (no SWBDREC header)"
        case let .newerVersion(p, major, minor):
            "\(p) was recorded in format version \(major).\(minor), newer than this switchboard reads (\(RecordingFormat.majorVersion).x): replay it with a newer switchboard"
        case let .noSamples(p): "\(p) holds no whole sample to replay"
        case let .io(m): m
        }
    }
}
