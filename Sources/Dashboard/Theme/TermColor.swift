/// A terminal colour as a theme writes it. Themes may use RGB for precision; at load time every
/// colour is quantised to what the terminal can show (`ColorDepth`), so a 256-colour or 8-colour
/// terminal over SSH gets the nearest palette entry instead of garbage (the k9s-over-SSH complaint).
public enum TermColor: Sendable, Hashable, Codable {
    /// The terminal's own default (transparent background, user's foreground).
    case `default`
    /// A palette index: 0–7 normal, 8–15 bright, 16–255 the xterm-256 cube and greys.
    case index(Int)
    case rgb(UInt8, UInt8, UInt8)

    /// The 16 ANSI names, in palette order.
    public static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
                               "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue",
                               "bright-magenta", "bright-cyan", "bright-white"]

    /// Parses `default`, an ANSI name (`red`, `bright-blue`, `gray`), a palette index (`"208"`) or `#rrggbb`.
    public init?(parsing text: String) {
        let t = text.lowercased()
        if t == "default" || t == "-" || t.isEmpty { self = .default; return }
        if t == "gray" || t == "grey" { self = .index(8); return }
        if let i = Self.names.firstIndex(of: t) { self = .index(i); return }
        if let n = Int(t), (0...255).contains(n) { self = .index(n); return }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff))
            return
        }
        return nil
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let c = TermColor(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                   debugDescription: "unknown colour \(text)"))
        }
        self = c
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(notation)
    }

    public var notation: String {
        switch self {
        case .default: "default"
        case .index(let i): i < 16 ? Self.names[i] : String(i)
        case .rgb(let r, let g, let b):
            "#" + [r, g, b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    /// The nearest colour the terminal can show at `depth`; `.default` stays default.
    public func quantized(to depth: ColorDepth) -> TermColor {
        switch (self, depth) {
        case (_, .none): return .default
        case (.default, _): return .default
        case (.index(let i), .ansi256): return .index(i)
        case (.rgb(let r, let g, let b), .ansi256): return .index(Self.nearest256(r, g, b))
        case (.index(let i), .ansi16) where i < 16: return .index(i)
        case (.index(let i), .ansi8) where i < 8: return .index(i)
        case (.index(let i), .ansi8) where i < 16: return .index(i - 8)
        default:
            let (r, g, b) = rgbValue
            let limit = depth == .ansi8 ? 8 : 16
            return .index(Self.nearest(r, g, b, among: 0..<limit))
        }
    }

    /// The colour's RGB value (xterm's defaults for palette entries).
    public var rgbValue: (Int, Int, Int) {
        switch self {
        case .default: return (0, 0, 0)
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        case .index(let i): return Self.paletteRGB(i)
        }
    }

    static let ansi16: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
        (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
        (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    static func paletteRGB(_ i: Int) -> (Int, Int, Int) {
        if i < 16 { return ansi16[max(0, i)] }
        if i < 232 {
            let n = i - 16
            return (cubeLevels[n / 36], cubeLevels[n / 6 % 6], cubeLevels[n % 6])
        }
        let v = 8 + (min(i, 255) - 232) * 10
        return (v, v, v)
    }

    static func nearest(_ r: Int, _ g: Int, _ b: Int, among range: Range<Int>) -> Int {
        var best = range.lowerBound
        var bestDistance = Int.max
        for i in range {
            let (pr, pg, pb) = paletteRGB(i)
            let d = (pr - r) * (pr - r) + (pg - g) * (pg - g) + (pb - b) * (pb - b)
            if d < bestDistance { bestDistance = d; best = i }
        }
        return best
    }

    /// Cube and grey ramp only (16–255): indices 0–15 follow the user's palette, which a theme
    /// written in RGB must not depend on.
    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        nearest(Int(r), Int(g), Int(b), among: 16..<256)
    }
}

/// What the terminal can show, decided from terminfo (`COLORS`) and `NO_COLOR`, overridable by config.
public enum ColorDepth: String, Codable, Sendable, Hashable, CaseIterable {
    case none
    case ansi8
    case ansi16
    case ansi256

    /// The ladder from a terminfo colour count; `NO_COLOR` (any value, per no-color.org) wins.
    public static func detect(colors: Int, environment: [String: String]) -> ColorDepth {
        if let v = environment["NO_COLOR"], !v.isEmpty { return .none }
        switch colors {
        case 256...: return .ansi256
        case 16..<256: return .ansi16
        case 8..<16: return .ansi8
        default: return .none
        }
    }
}
