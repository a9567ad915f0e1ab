/// What a cell means, not how it looks: panes paint roles, themes turn roles into colours and
/// attributes for the terminal at hand. Keeping the two apart is what lets one frame be shown in
/// 256 colours, 8 colours or none, and lets a snapshot test assert meaning independently of a theme.
public enum Role: String, CaseIterable, Codable, Sendable, Hashable {
    /// Ordinary text on the screen background.
    case normal
    /// The top line: cluster summary.
    case header
    /// Pane titles and breadcrumbs.
    case title
    /// Box-drawing lines around panes.
    case border
    /// Table column headings.
    case columnHeader
    /// The heading of the column rows are sorted by.
    case sortColumn
    /// The row under the cursor.
    case selected
    /// Healthy: ready endpoints, bound listeners, running pods.
    case ok
    /// Degraded: some endpoints not ready, pending pods, dropped connections.
    case warn
    /// Broken: no endpoints, failed listeners, refused connections, warning events.
    case error
    /// Secondary text: units, `<none>`, hints.
    case dim
    /// Traffic sparklines.
    case sparkline
    /// Rows that appeared in the last few samples.
    case added
    /// Rows whose content changed in the last few samples.
    case changed
    /// Rows that disappeared (kept briefly so the eye catches it).
    case deleted
    /// Key names in the footer and the help screen.
    case key
    /// The command / filter prompt and the active filter.
    case prompt
    /// The FROZEN badge and other loud status.
    case badge
}

/// How a role looks on a terminal: colours plus the attributes that survive without colour.
public struct Style: Codable, Sendable, Hashable {
    public var fg: TermColor
    public var bg: TermColor
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(fg: TermColor = .default, bg: TermColor = .default, bold: Bool = false, reverse: Bool = false,
                underline: Bool = false, dim: Bool = false) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    enum CodingKeys: String, CodingKey { case fg, bg, bold, reverse, underline, dim }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fg = try c.decodeIfPresent(TermColor.self, forKey: .fg) ?? .default
        bg = try c.decodeIfPresent(TermColor.self, forKey: .bg) ?? .default
        bold = try c.decodeIfPresent(Bool.self, forKey: .bold) ?? false
        reverse = try c.decodeIfPresent(Bool.self, forKey: .reverse) ?? false
        underline = try c.decodeIfPresent(Bool.self, forKey: .underline) ?? false
        dim = try c.decodeIfPresent(Bool.self, forKey: .dim) ?? false
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if fg != .default { try c.encode(fg, forKey: .fg) }
        if bg != .default { try c.encode(bg, forKey: .bg) }
        if bold { try c.encode(bold, forKey: .bold) }
        if reverse { try c.encode(reverse, forKey: .reverse) }
        if underline { try c.encode(underline, forKey: .underline) }
        if dim { try c.encode(dim, forKey: .dim) }
    }

    /// Compact notation for text dumps: `fg/bg+attrs`.
    public var notation: String {
        var s = "\(fg.notation)/\(bg.notation)"
        if bold { s += "+b" }
        if reverse { s += "+r" }
        if underline { s += "+u" }
        if dim { s += "+d" }
        return s
    }
}
