/// The non-ASCII characters the dashboard draws, with ASCII stand-ins for terminals whose locale
/// is not UTF-8 (box drawing shown as `lqkx` or mojibake is the most common SSH complaint).
public struct Glyphs: Sendable, Hashable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// `http:80►8080`: service port to target port.
    public var arrow: String
    public var ellipsis: String
    public var sortAscending: String
    public var sortDescending: String
    /// Eight levels from empty to full.
    public var sparkline: [Character]
    public var check: String
    public var cross: String

    public static let unicode = Glyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        arrow: "►", ellipsis: "…", sortAscending: "↑", sortDescending: "↓",
        sparkline: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], check: "✓", cross: "✗")

    public static let ascii = Glyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        arrow: ">", ellipsis: "~", sortAscending: "^", sortDescending: "v",
        sparkline: ["_", ".", ",", "-", "~", "=", "+", "#"], check: "y", cross: "n")

    /// UTF-8 when the locale's codeset is (`nl_langinfo(CODESET)` after `setlocale`), else ASCII.
    public static func forCodeset(_ codeset: String) -> Glyphs {
        let c = codeset.uppercased().replacingOccurrences(of: "-", with: "")
        return c == "UTF8" ? .unicode : .ascii
    }

    /// A sparkline of `values` scaled to their maximum, newest last, exactly `width` columns.
    public func sparkline(_ values: [Double], width: Int) -> String {
        guard width > 0 else { return "" }
        let tail = values.suffix(width)
        let peak = tail.max() ?? 0
        var s = String(repeating: " ", count: width - tail.count)
        for v in tail {
            if peak <= 0 || v <= 0 {
                s.append(" ")
            } else {
                let level = min(sparkline.count - 1, Int((v / peak) * Double(sparkline.count - 1) + 0.5))
                s.append(sparkline[level])
            }
        }
        return s
    }
}
