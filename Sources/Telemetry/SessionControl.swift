/// What a person asks of the session itself rather than of the cluster: replay controls
/// (pause, seek, speed, jump to an event or marker) and, live, recording and markers. Like
/// `ClusterAction`, a closed list every front end handles the same way.
public enum SessionCommand: Sendable, Hashable {
    case togglePause
    /// Seek by this many seconds (negative: back).
    case seek(Double)
    /// Seek by this fraction of the recording (the larger jump).
    case seekFraction(Double)
    /// The previous / next recorded Event or marker.
    case previousMark
    case nextMark
    case faster
    case slower
    /// Live: start or stop recording the session to a file.
    case toggleRecording
    /// Live: add a marker to the recording in progress.
    case addMarker
}

/// Where a session stands, for the timeline bar: a replay's position and marks, or a live
/// recording in progress.
public struct SessionTimeline: Sendable, Hashable {
    /// Seconds since the Unix epoch of the first and last sample (live: recording start and now).
    public var start: Double
    public var end: Double
    public var position: Double
    public var playing: Bool
    public var speed: Double
    public var markers: [Double]
    public var events: [Double]
    /// True for a live recording in progress (the bar shows REC and the file).
    public var recording: Bool
    public var label: String

    public init(start: Double, end: Double, position: Double, playing: Bool, speed: Double = 1,
                markers: [Double] = [], events: [Double] = [], recording: Bool = false, label: String = "") {
        self.start = start
        self.end = end
        self.position = position
        self.playing = playing
        self.speed = speed
        self.markers = markers
        self.events = events
        self.recording = recording
        self.label = label
    }

    public var duration: Double { max(0, end - start) }
}

/// Carries session commands out: the replay source (its clock), or the live recorder.
public protocol SessionControl: Sendable {
    /// Returns a message for the footer, if any.
    func perform(_ command: SessionCommand) async -> String?
    /// Nil when there is nothing to show (live, not recording).
    func timeline() async -> SessionTimeline?
}
