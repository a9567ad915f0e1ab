import Telemetry

/// The replay's timeline as one row under the frame: play state, speed, position / duration, a
/// bar with the playhead, markers and events, and the file. Live, while recording, the same row
/// shows REC and the file, so a person always sees that a recording is in progress.
public enum TimelineBar {
    /// `frame` (drawn one row shorter) with the timeline on the last row.
    public static func compose(_ frame: Canvas, timeline: SessionTimeline, options: RenderOptions) -> Canvas {
        var out = Canvas(width: frame.width, height: frame.height + 1)
        for y in 0..<frame.height {
            for x in 0..<frame.width { out[x, y] = frame[x, y] }
        }
        draw(&out, timeline: timeline, y: frame.height, ascii: options.ascii)
        return out
    }

    public static func draw(_ canvas: inout Canvas, timeline t: SessionTimeline, y: Int, ascii: Bool) {
        canvas.fill(" ", x: 0, y: y, count: canvas.width, role: .header)
        if t.recording {
            var x = canvas.put(ascii ? " * REC " : " ● REC ", x: 0, y: y, role: .error)
            x += canvas.put(" \(clock(t.duration))  \(t.label)  (R stops, m adds a marker)", x: x, y: y, role: .header)
            return
        }
        let state = t.playing ? (ascii ? ">" : "▶") : (ascii ? "||" : "⏸")
        let speed = t.speed == t.speed.rounded() ? "\(Int(t.speed))x" : "\(t.speed)x"
        let left = " \(state) \(speed) \(clock(t.position - t.start)) / \(clock(t.duration)) "
        let right = " \(t.label) "
        var x = canvas.put(left, x: 0, y: y, role: .header)
        let barWidth = canvas.width - x - right.count - 1
        guard barWidth >= 10 else { return }
        let span = max(t.duration, 0.001)
        func column(_ time: Double) -> Int {
            min(barWidth - 1, max(0, Int(((time - t.start) / span * Double(barWidth - 1)).rounded())))
        }
        let head = column(t.position)
        var cells = Array(repeating: (ascii ? Character("-") : "─", Role.dim), count: barWidth)
        for i in 0..<head { cells[i] = (ascii ? "=" : "━", .ok) }
        for e in t.events { cells[column(e)] = (ascii ? "!" : "┃", .warn) }
        for m in t.markers { cells[column(m)] = (ascii ? "M" : "◆", .key) }
        cells[head] = (ascii ? "O" : "●", .badge)
        for (i, c) in cells.enumerated() { canvas.put(String(c.0), x: x + i, y: y, role: c.1) }
        x += barWidth + 1
        canvas.put(right, x: x, y: y, role: .header)
    }

    /// `h:mm:ss` (or `m:ss` under an hour).
    public static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        let h = s / 3600, m = s / 60 % 60, r = s % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
    }
}
