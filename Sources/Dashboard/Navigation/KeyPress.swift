/// A key as the terminal backend decoded it. Spelled in config files as `q`, `N`, `ctrl-c`,
/// `up`, `pgdn`, `enter`, `esc`, `tab`, `shift-tab`, `space`, `f1`.
public enum KeyPress: Sendable, Hashable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    /// Shift-← / Shift-→ (the replay's larger jumps).
    case shiftLeft, shiftRight
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    /// The terminal changed size (one event per resize, after ncurses has the new size).
    case resize

    private static let named: [(String, KeyPress)] = [
        ("up", .up), ("down", .down), ("left", .left), ("right", .right), ("pgup", .pageUp),
        ("pgdn", .pageDown), ("home", .home), ("end", .end), ("enter", .enter), ("esc", .escape),
        ("tab", .tab), ("shift-tab", .backTab), ("shift-left", .shiftLeft), ("shift-right", .shiftRight), ("backspace", .backspace), ("delete", .delete),
        ("space", .char(" ")), ("resize", .resize),
    ]

    public init?(spec: String) {
        if let hit = Self.named.first(where: { $0.0 == spec.lowercased() }) { self = hit.1; return }
        let lower = spec.lowercased()
        if lower.hasPrefix("ctrl-"), spec.count == 6, let c = lower.last { self = .ctrl(c); return }
        if lower.hasPrefix("shift-"), spec.count == 7, let c = spec.last, c.isLetter {
            self = .char(Character(c.uppercased()))
            return
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...12).contains(n) { self = .function(n); return }
        if spec.count == 1, let c = spec.first { self = .char(c); return }
        return nil
    }

    public var spec: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "ctrl-\(c)"
        case .function(let n): return "f\(n)"
        default: return Self.named.first { $0.1 == self }?.0 ?? "?"
        }
    }
}
