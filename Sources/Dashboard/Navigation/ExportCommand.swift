import Foundation

/// `:w FILE` (vi's write): export the cluster as manifests to FILE.
public enum ExportCommand {
    /// The path when `text` (what follows `:`) is a write command; "" when the path is missing.
    public static func path(_ text: String) -> String? {
        let words = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard let first = words.first, ["w", "write", "export"].contains(first) else { return nil }
        return words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
    }
}
