import Foundation

/// The dashboard's settings: defaults, overridden by `$XDG_CONFIG_HOME/switchboard/dashboard.json`
/// (or `~/.config/switchboard/dashboard.json`), overridden by command-line flags the caller sets.
///
/// ```json
/// {"theme": "light", "interval": 0.5, "colors": "ansi8", "ascii": true,
///  "highlightSeconds": 5, "keys": {"quit": ["q", "ctrl-c"], "freeze": ["p"]}}
/// ```
public struct DashboardConfig: Sendable {
    /// Seconds between samples of the engine (the render tick follows input and samples).
    public var interval: Double = 1
    /// A built-in theme name, a name in `themeDirectories`, or a path to a JSON file.
    public var theme: String = "dark"
    public var themeDirectories: [URL] = []
    /// Forces a colour depth instead of asking terminfo (`none`, `ansi8`, `ansi16`, `ansi256`).
    public var colors: ColorDepth?
    /// Forces the ASCII glyph set even in a UTF-8 locale.
    public var ascii: Bool?
    public var highlightSeconds: Double = 3
    public var bindings: KeyBindings = .default
    /// The pane to open on.
    public var initialPane: PaneKind = .services
    /// Problems found while loading the file (shown once in the footer, never fatal).
    public var warnings: [String] = []
    /// `up --read-only`: no action keys, READ-ONLY in the header.
    public var readOnly = false

    public init() {}

    /// Where the config file lives, following the XDG base directory spec.
    public static func fileURL(environment: [String: String]) -> URL? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("switchboard/dashboard.json")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".config/switchboard/dashboard.json")
    }

    /// Defaults overlaid with the user's file when there is one. A broken file gives warnings,
    /// not a refusal to start: a dashboard that will not open is worse than one with default keys.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> DashboardConfig {
        var config = DashboardConfig()
        if let url = fileURL(environment: environment) {
            config.themeDirectories.append(url.deletingLastPathComponent().appendingPathComponent("themes"))
            if let data = try? Data(contentsOf: url) { config.apply(data) }
        }
        return config
    }

    struct File: Decodable {
        var interval: Double?
        var theme: String?
        var colors: ColorDepth?
        var ascii: Bool?
        var highlightSeconds: Double?
        var keys: [String: [String]]?
        var pane: String?
    }

    /// Overlays a config file's JSON.
    public mutating func apply(_ data: Data) {
        do {
            let file = try JSONDecoder().decode(File.self, from: data)
            if let v = file.interval, v > 0 { interval = max(0.1, v) }
            if let v = file.theme { theme = v }
            if let v = file.colors { colors = v }
            if let v = file.ascii { ascii = v }
            if let v = file.highlightSeconds { highlightSeconds = v }
            if let p = file.pane { if let pane = PaneKind.parse(p) { initialPane = pane } else { warnings.append("unknown pane \(p)") } }
            if let keys = file.keys {
                let (b, problems) = bindings.overridden(by: keys)
                bindings = b
                warnings += problems
            }
        } catch {
            warnings.append("dashboard.json ignored: \(error)")
        }
    }
}
