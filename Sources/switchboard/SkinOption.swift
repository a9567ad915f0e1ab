import ArgumentParser
import Dashboard
import Foundation

extension Up {
    /// The user's dashboard settings, with `--skin FILE` checked before the engine starts: a skin
    /// that does not parse is refused with its error, unknown colours are listed and ignored.
    static func dashboardConfig(skin: String?) throws -> DashboardConfig {
        var config = DashboardConfig.load()
        guard let skin else { return config }
        guard skin.hasSuffix(".yaml") || skin.hasSuffix(".yml") else {
            throw ValidationError("--skin takes a k9s skin file ending in .yaml or .yml")
        }
        do {
            let (_, warnings) = try K9sSkin.load(path: skin)
            for w in warnings { FileHandle.standardError.write(Data("switchboard: skin \(skin): \(w)\n".utf8)) }
        } catch {
            throw ValidationError("--skin \(skin): \(error)")
        }
        config.theme = skin
        return config
    }
}
