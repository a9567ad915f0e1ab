/// The replay's clock as a value: where playback is, whether it runs, how fast. Wall time is
/// passed in, so tests drive it without sleeping.
public struct ReplayClock: Sendable, Hashable {
    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16]

    public let start: Double
    public let end: Double
    public private(set) var playing: Bool
    public private(set) var speed: Double
    private var anchorPosition: Double
    private var anchorWall: Double

    public init(start: Double, end: Double, at position: Double? = nil, speed: Double = 1, playing: Bool = true,
                now: Double) {
        self.start = start
        self.end = max(start, end)
        self.speed = min(16, max(0.25, speed))
        self.playing = playing
        anchorPosition = min(max(position ?? start, start), self.end)
        anchorWall = now
    }

    /// Recording time shown at wall time `now` (stops at the end).
    public func position(at now: Double) -> Double {
        guard playing else { return anchorPosition }
        return min(end, anchorPosition + max(0, now - anchorWall) * speed)
    }

    public mutating func togglePause(now: Double) {
        var p = position(at: now)
        if !playing, p >= end { p = start }  // play again from the top once finished
        anchorPosition = p
        anchorWall = now
        playing.toggle()
    }

    public mutating func seek(to t: Double, now: Double) {
        anchorPosition = min(max(t, start), end)
        anchorWall = now
    }

    /// Steps through `speeds` (0.25× … 16×).
    public mutating func changeSpeed(faster: Bool, now: Double) {
        let p = position(at: now)
        let i = Self.speeds.firstIndex { $0 >= speed } ?? 2
        speed = Self.speeds[faster ? min(Self.speeds.count - 1, i + 1) : max(0, i - 1)]
        anchorPosition = p
        anchorWall = now
    }

    /// Stops at the end (so the last frame stays up).
    public mutating func pause(now: Double) {
        anchorPosition = position(at: now)
        anchorWall = now
        playing = false
    }
}
