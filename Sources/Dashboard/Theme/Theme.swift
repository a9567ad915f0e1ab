import Foundation

/// A named mapping from roles to styles. Themes are data (themes/*.json, the same four are built
/// in so a binary without its resources still has them); a theme file only needs the roles it
/// changes — the rest come from its base (dark), as k9s skins overlay its stock skin.
public struct Theme: Sendable, Hashable {
    public var name: String
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(_ role: Role) -> Style { styles[role] ?? Style() }

    /// The theme as this terminal can show it: colours quantised to `depth`; without colour
    /// (NO_COLOR, vt100) the monochrome theme's attributes take over, because a colour-only
    /// distinction (ok green vs error red) would otherwise vanish.
    public func resolved(for depth: ColorDepth) -> Theme {
        if depth == .none { return Theme(name: name + "@none", styles: Theme.monochrome.styles) }
        var out = self
        for (role, style) in styles {
            var s = style
            s.fg = style.fg.quantized(to: depth)
            s.bg = style.bg.quantized(to: depth)
            out.styles[role] = s
        }
        out.name = "\(name)@\(depth.rawValue)"
        return out
    }

    /// Decodes a theme file (`{"name": …, "base": "dark", "roles": {"header": {"fg": "#87d7ff", "bold": true}}}`)
    /// on top of its base. Unknown roles are errors: a typo should not silently do nothing.
    public static func decode(_ data: Data) throws -> Theme {
        let file = try JSONDecoder().decode(ThemeFile.self, from: data)
        var theme = Theme.named(file.base ?? "dark") ?? .dark
        theme.name = file.name
        for (key, style) in file.roles {
            guard let role = Role(rawValue: key) else {
                throw ThemeError.unknownRole(key, theme: file.name)
            }
            theme.styles[role] = style
        }
        return theme
    }

    /// The file form of this theme, every role spelled out.
    public func encoded() -> Data {
        let roles = Dictionary(uniqueKeysWithValues: styles.map { ($0.key.rawValue, $0.value) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(ThemeFile(name: name, base: nil, roles: roles))) ?? Data()
    }

    /// A theme by name (built-in), by path to a JSON file, or by path to a k9s skin (`.yaml`,
    /// `.yml`); `directories` are searched for
    /// `<name>.json` first so a user's file may override a built-in.
    public static func load(_ nameOrPath: String, directories: [URL] = []) throws -> Theme {
        if nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") {
            return try K9sSkin.load(path: nameOrPath).theme  // `--skin FILE`: a k9s skin
        }
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") {
            return try decode(Data(contentsOf: URL(fileURLWithPath: nameOrPath)))
        }
        for dir in directories {
            let url = dir.appendingPathComponent(nameOrPath + ".json")
            if let data = try? Data(contentsOf: url) { return try decode(data) }
        }
        guard let theme = named(nameOrPath) else { throw ThemeError.notFound(nameOrPath) }
        return theme
    }

    public static func named(_ name: String) -> Theme? { builtIn.first { $0.name == name } }

    public static let builtIn: [Theme] = [.dark, .light, .highContrast, .monochrome]
}

public enum ThemeError: Error, Equatable, CustomStringConvertible {
    case unknownRole(String, theme: String)
    case notFound(String)

    public var description: String {
        switch self {
        case .unknownRole(let r, let t):
            "theme \(t): unknown role \(r) (known: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .notFound(let n):
            "no theme named \(n) (built in: \(Theme.builtIn.map(\.name).joined(separator: ", ")))"
        }
    }
}

struct ThemeFile: Codable {
    var name: String
    var base: String?
    var roles: [String: Style]
}
