/// The four shipped themes. RGB values are chosen from the xterm-256 cube so the 256-colour
/// rendering is exact; 8-colour terminals get the nearest ANSI colour.
extension Theme {
    private static func c(_ s: String) -> TermColor { TermColor(parsing: s) ?? .default }

    private static func style(_ fg: String, _ bg: String = "default", bold: Bool = false, reverse: Bool = false,
                              underline: Bool = false, dim: Bool = false) -> Style {
        Style(fg: c(fg), bg: c(bg), bold: bold, reverse: reverse, underline: underline, dim: dim)
    }

    /// The default: light text on the terminal's own (dark) background.
    public static let dark = Theme(name: "dark", styles: [
        .normal: style("default"),
        .header: style("#87d7ff", bold: true),
        .title: style("#00d7ff", bold: true),
        .border: style("#5f87af"),
        .columnHeader: style("#ffffff", bold: true),
        .sortColumn: style("#ffd700", bold: true, underline: true),
        .selected: style("#000000", "#5fafff", bold: true),
        .ok: style("#5fd75f"),
        .warn: style("#ffaf00"),
        .error: style("#ff5f5f", bold: true),
        .dim: style("#808080"),
        .sparkline: style("#5fd7ff"),
        .added: style("#87ff87", bold: true),
        .changed: style("#ffd75f"),
        .deleted: style("#ff8787", dim: true),
        .key: style("#ffaf5f", bold: true),
        .prompt: style("#ffffff", "#303030"),
        .badge: style("#000000", "#ffaf00", bold: true),
    ])

    /// For light terminal backgrounds: dark, saturated foregrounds.
    public static let light = Theme(name: "light", styles: [
        .normal: style("default"),
        .header: style("#005f87", bold: true),
        .title: style("#0087af", bold: true),
        .border: style("#8a8a8a"),
        .columnHeader: style("#000000", bold: true),
        .sortColumn: style("#af5f00", bold: true, underline: true),
        .selected: style("#ffffff", "#005faf", bold: true),
        .ok: style("#008700"),
        .warn: style("#af5f00"),
        .error: style("#d70000", bold: true),
        .dim: style("#6c6c6c"),
        .sparkline: style("#0087af"),
        .added: style("#008700", bold: true),
        .changed: style("#875f00"),
        .deleted: style("#d70000", dim: true),
        .key: style("#af5f00", bold: true),
        .prompt: style("#000000", "#d0d0d0"),
        .badge: style("#ffffff", "#d75f00", bold: true),
    ])

    /// The 16 ANSI colours only, all bold where it helps: follows the user's palette and reads
    /// on a projector or a washed-out SSH client.
    public static let highContrast = Theme(name: "high-contrast", styles: [
        .normal: style("default"),
        .header: style("bright-white", bold: true),
        .title: style("bright-yellow", bold: true),
        .border: style("white"),
        .columnHeader: style("bright-white", bold: true, underline: true),
        .sortColumn: style("bright-yellow", bold: true, underline: true),
        .selected: style("black", "bright-yellow", bold: true),
        .ok: style("bright-green", bold: true),
        .warn: style("bright-yellow", bold: true),
        .error: style("bright-red", bold: true),
        .dim: style("white"),
        .sparkline: style("bright-cyan"),
        .added: style("bright-green", bold: true, underline: true),
        .changed: style("bright-yellow", bold: true),
        .deleted: style("bright-red", bold: true),
        .key: style("bright-cyan", bold: true),
        .prompt: style("black", "white"),
        .badge: style("black", "bright-red", bold: true),
    ])

    /// Attributes only (bold, reverse, underline, dim): what NO_COLOR and vt100 get.
    public static let monochrome = Theme(name: "monochrome", styles: [
        .normal: style("default"),
        .header: style("default", bold: true),
        .title: style("default", bold: true),
        .border: style("default"),
        .columnHeader: style("default", bold: true, underline: true),
        .sortColumn: style("default", bold: true, reverse: true),
        .selected: style("default", reverse: true),
        .ok: style("default"),
        .warn: style("default", bold: true),
        .error: style("default", bold: true, underline: true),
        .dim: style("default", dim: true),
        .sparkline: style("default"),
        .added: style("default", bold: true),
        .changed: style("default", underline: true),
        .deleted: style("default", dim: true),
        .key: style("default", bold: true),
        .prompt: style("default", reverse: true),
        .badge: style("default", bold: true, reverse: true),
    ])
}
