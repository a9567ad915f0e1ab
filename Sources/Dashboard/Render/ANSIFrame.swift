/// A canvas as the bytes a terminal would draw: home the cursor, then every row with SGR colour
/// changes only where the style changes. Used to export a replay as an asciicast, so the movie
/// shows exactly the frames the dashboard renders.
public enum ANSIFrame {
    public static func render(_ canvas: Canvas, theme: Theme) -> String {
        var out = "\u{1B}[H"
        var current: Style?
        for y in 0..<canvas.height {
            out += "\u{1B}[\(y + 1);1H"
            for x in 0..<canvas.width {
                let cell = canvas[x, y]
                if cell.isContinuation { continue }
                let style = theme.style(cell.role)
                if style != current {
                    out += sgr(style)
                    current = style
                }
                out.append(cell.character)
            }
        }
        return out + "\u{1B}[0m"
    }

    static func sgr(_ s: Style) -> String {
        var codes = ["0"]
        if s.bold { codes.append("1") }
        if s.dim { codes.append("2") }
        if s.underline { codes.append("4") }
        if s.reverse { codes.append("7") }
        codes += color(s.fg, base: 30)
        codes += color(s.bg, base: 40)
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    static func color(_ c: TermColor, base: Int) -> [String] {
        switch c {
        case .default: []
        case let .index(i) where i < 8: [String(base + i)]
        case let .index(i) where i < 16: [String(base + 60 + i - 8)]
        case let .index(i): [String(base + 8), "5", String(i)]
        case let .rgb(r, g, b): [String(base + 8), "2", String(r), String(g), String(b)]
        }
    }
}
