import Telemetry

/// Keys that steer the session rather than the view. Replay: space pauses, ← / → seek 5 s,
/// Shift-← / Shift-→ and PgUp / PgDn jump 10 % of the recording, `[` / `]` go to the previous /
/// next Event or marker, `-` / `+` change the speed (0.25× to 16×). Live: `R` starts and stops a
/// recording, `m` adds a marker. Checked before the view's bindings, in normal mode only, so
/// replay takes over space and the arrows (Enter, Esc and Ctrl-B / Ctrl-F still navigate).
public enum SessionKeys: Sendable, Hashable {
    case live
    case replay

    /// The keys in one line, shown in the footer when a replay opens.
    public var hint: String? {
        switch self {
        case .replay: "space pause  ←/→ 5 s  PgUp/PgDn 10 %  [ ] event/marker  -/+ speed  q quit"
        case .live: nil
        }
    }

    public func command(for key: KeyPress) -> SessionCommand? {
        switch (self, key) {
        case (.replay, .char(" ")): .togglePause
        case (.replay, .left): .seek(-5)
        case (.replay, .right): .seek(5)
        case (.replay, .shiftLeft), (.replay, .pageUp): .seekFraction(-0.1)
        case (.replay, .shiftRight), (.replay, .pageDown): .seekFraction(0.1)
        case (.replay, .char("[")): .previousMark
        case (.replay, .char("]")): .nextMark
        case (.replay, .char("+")), (.replay, .char("=")): .faster
        case (.replay, .char("-")), (.replay, .char("_")): .slower
        case (.live, .char("R")): .toggleRecording
        case (.live, .char("m")): .addMarker
        default: nil
        }
    }
}
