import Foundation
import Yams

/// Imports a k9s skin (`k9s: body/frame/views/…` YAML, anchors allowed) as a Theme, so users keep
/// the look they chose for k9s. Like k9s, the skin overlays a base: roles it says nothing about
/// keep the base's style. Only the keys the mapping reads are visited, so a skin's other keys
/// (charts, yaml, logs, dialogs) are tolerated, and aliases are never expanded whole.
public enum K9sSkin {
    /// Where each of our roles takes its colours from: k9s key paths under `k9s:`, first found wins.
    struct Source {
        var fg: [[String]]
        var bg: [[String]]
    }

    static let tableBackground: [[String]] = [["views", "table", "bgColor"], ["body", "bgColor"]]

    static let mapping: [(Role, Source)] = [
        (.normal, Source(fg: [["body", "fgColor"]], bg: [["body", "bgColor"]])),
        (.header, Source(fg: [["frame", "crumbs", "fgColor"], ["info", "sectionColor"]],
                         bg: [["frame", "crumbs", "bgColor"], ["body", "bgColor"]])),
        (.title, Source(fg: [["frame", "title", "fgColor"]], bg: [["frame", "title", "bgColor"], ["body", "bgColor"]])),
        (.border, Source(fg: [["frame", "border", "focusColor"], ["frame", "border", "fgColor"]], bg: [["body", "bgColor"]])),
        (.columnHeader, Source(fg: [["views", "table", "header", "fgColor"]],
                               bg: [["views", "table", "header", "bgColor"]] + tableBackground)),
        (.sortColumn, Source(fg: [["views", "table", "header", "sorterColor"]],
                             bg: [["views", "table", "header", "bgColor"]] + tableBackground)),
        (.selected, Source(fg: [["views", "table", "cursorFgColor"]], bg: [["views", "table", "cursorBgColor"]])),
        (.ok, Source(fg: [["frame", "status", "newColor"]], bg: tableBackground)),
        (.warn, Source(fg: [["frame", "status", "pendingColor"], ["frame", "status", "modifyColor"]], bg: tableBackground)),
        (.error, Source(fg: [["frame", "status", "errorColor"]], bg: tableBackground)),
        (.dim, Source(fg: [["frame", "status", "completedColor"]], bg: tableBackground)),
        (.sparkline, Source(fg: [["views", "charts", "defaultChartColors", "0"]], bg: tableBackground)),
        (.added, Source(fg: [["frame", "status", "addColor"]], bg: tableBackground)),
        (.changed, Source(fg: [["frame", "status", "modifyColor"]], bg: tableBackground)),
        (.deleted, Source(fg: [["frame", "status", "killColor"]], bg: tableBackground)),
        (.key, Source(fg: [["frame", "menu", "keyColor"], ["help", "keyColor"]], bg: [["body", "bgColor"]])),
        (.prompt, Source(fg: [["prompt", "fgColor"]], bg: [["prompt", "bgColor"]])),
        (.badge, Source(fg: [["body", "bgColor"]], bg: [["frame", "status", "highlightColor"], ["body", "logoColor"]])),
    ]

    /// tcell's 16 ANSI names, in palette order: a skin written with them (k9s' solarized-16)
    /// follows the terminal's own palette.
    static let ansiNames = ["black", "maroon", "green", "olive", "navy", "purple", "teal", "silver",
                            "gray", "red", "lime", "yellow", "blue", "fuchsia", "aqua", "white"]

    /// Parses a skin on top of `base`. Returns the theme and what was ignored (unknown colour
    /// names, which k9s silently turns into the terminal default).
    public static func theme(yaml: String, name: String, base: Theme = .dark) throws -> (theme: Theme, warnings: [String]) {
        guard let root = try compose(yaml: yaml), let k9s = root["k9s"], k9s.mapping != nil else {
            throw K9sSkinError.notASkin(name)
        }
        var theme = base
        theme.name = name
        var warnings: [String] = []
        func lookup(_ paths: [[String]]) -> (TermColor, String)? {
            for path in paths {
                var node: Node? = k9s
                for key in path {
                    if let i = Int(key), let seq = node?.sequence { node = i < seq.count ? seq[i] : nil } else { node = node?[key] }
                }
                guard let text = node?.string else { continue }
                if let c = color(text) { return (c, path.joined(separator: ".")) }
                warnings.append("\(path.joined(separator: ".")): unknown colour \(text) (terminal default used)")
                return (.default, path.joined(separator: "."))
            }
            return nil
        }
        for (role, source) in mapping {
            var style = theme.style(role)
            var changed = false
            if let (fg, _) = lookup(source.fg) { style.fg = fg; changed = true }
            if let (bg, _) = lookup(source.bg) { style.bg = bg; changed = true }
            if changed, role == .selected { style.reverse = false }
            if changed { theme.styles[role] = style }
        }
        return (theme, warnings)
    }

    /// A k9s colour value: `default`/`-`, `#rrggbb`, one of tcell's 16 ANSI names, or a W3C name.
    public static func color(_ text: String) -> TermColor? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "default" || t == "-" || t.isEmpty { return .default }
        if let i = ansiNames.firstIndex(of: t) { return .index(i) }
        if t == "grey" { return .index(8) }
        if t.hasPrefix("#") { return TermColor(parsing: t) }
        if let hex = W3CColors.table[t] { return TermColor(parsing: "#" + hex) }
        return nil
    }

    public static func load(path: String, base: Theme = .dark) throws -> (theme: Theme, warnings: [String]) {
        let url = URL(fileURLWithPath: path)
        let text = try String(contentsOf: url, encoding: .utf8)
        return try theme(yaml: text, name: "skin:" + url.deletingPathExtension().lastPathComponent, base: base)
    }
}

public enum K9sSkinError: Error, Equatable, CustomStringConvertible {
    case notASkin(String)

    public var description: String {
        switch self {
        case .notASkin(let n): "\(n) is not a k9s skin (no k9s: mapping at the top)"
        }
    }
}
