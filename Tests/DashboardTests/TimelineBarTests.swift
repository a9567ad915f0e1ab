import Dashboard
import Telemetry
import Testing

/// The replay's timeline row and the session keys, through the pure loop.
@Suite struct TimelineBarTests {
    @Test func theTimelineRowShowsPositionDurationMarkersAndEvents() {
        var loop = DashboardLoop()
        for s in FixtureCluster.snapshots { loop.receive(s) }
        loop.timeline = SessionTimeline(start: 1000, end: 1100, position: 1050, playing: false, speed: 2,
                                        markers: [1090], events: [1010], label: "pod-failure.swrec")
        let canvas = loop.frame(width: 100, height: 20)
        let last = canvas.line(19)
        #expect(last.contains("⏸ 2x 0:50 / 1:40"))
        #expect(last.contains("pod-failure.swrec"))
        #expect(last.contains("●") && last.contains("◆") && last.contains("┃"))
        let head = last.firstIndex(of: "●")!, marker = last.firstIndex(of: "◆")!, event = last.firstIndex(of: "┃")!
        #expect(event < head && head < marker, "event at 10 %, playhead at 50 %, marker at 90 %")
        // The frame above is the usual one, one row shorter: its footer sits on row 18.
        let plain = loop.frame(width: 100, height: 20)
        #expect(plain.line(0) == canvas.line(0))
        loop.timeline = SessionTimeline(start: 0, end: 12, position: 12, playing: true, recording: true, label: "x.swrec")
        #expect(loop.frame(width: 100, height: 20).line(19).contains("● REC  0:12  x.swrec"))
    }

    @Test func replayKeysBecomeSessionCommandsInNormalModeOnly() {
        var loop = DashboardLoop()
        loop.sessionKeys = .replay
        let keys: [(KeyPress, SessionCommand)] = [
            (.char(" "), .togglePause), (.left, .seek(-5)), (.right, .seek(5)), (.shiftLeft, .seekFraction(-0.1)),
            (.pageDown, .seekFraction(0.1)), (.char("["), .previousMark), (.char("]"), .nextMark),
            (.char("+"), .faster), (.char("-"), .slower),
        ]
        for (key, command) in keys {
            #expect(loop.press(key, width: 100, height: 20) == [.session(command)])
        }
        // Typing a filter keeps the keys as text.
        _ = loop.press(.char("/"), width: 100, height: 20)
        #expect(loop.press(.char(" "), width: 100, height: 20) == [])
        #expect(loop.press(.char("]"), width: 100, height: 20) == [])
        #expect(loop.press(.char("R"), width: 100, height: 20) == [], "R is not a replay key")
        #expect(SessionKeys.replay.hint?.contains("space pause") == true && SessionKeys.live.hint == nil)
    }

    @Test func liveRecordsWithCapitalRAndMarksWithMWhileCapitalIReversesTheSort() {
        var loop = DashboardLoop()
        loop.sessionKeys = .live
        #expect(loop.press(.char("R"), width: 100, height: 20) == [.session(.toggleRecording)])
        #expect(loop.press(.char("m"), width: 100, height: 20) == [.session(.addMarker)])
        #expect(loop.press(.char(" "), width: 100, height: 20).isEmpty, "space pages down live")
        #expect(KeyBindings.default.intent(for: .char("I")) == .sortReverse)
        #expect(KeyBindings.default.intent(for: .char("r")) == nil, "r flips a pod's readiness")
        #expect(KeyBindings.default.intent(for: .char("R")) == nil)
        loop.receive(sessionMessage: "marker 1 added")
        #expect(loop.frame(width: 100, height: 20).text.contains("marker 1 added"))
    }
}
