import Foundation

/// Checks done on the text before Yams composes it, for the one alias bomb the composer itself
/// cannot survive: Yams hashes every mapping key to find duplicates, and hashing an alias of a
/// nested collection walks its full expansion. Such keys are also meaningless to Kubernetes
/// (JSON keys are strings), so they are refused up front.
enum YAMLPrecheck {
    struct Failure: Error {
        var byteOffset: Int
        var message: String
    }

    /// `*name :` or `? *name` — an alias in key position. Anchor names are `[0-9A-Za-z_-]+` in libyaml.
    private static let aliasKey = try! NSRegularExpression(
        pattern: #"(?:\*([0-9A-Za-z_-]+)[ \t]*:(?=[ \t\r\n]|$))|(?:\?[ \t]+\*([0-9A-Za-z_-]+))"#,
        options: [.anchorsMatchLines])

    static func check(_ text: String) throws(Failure) {
        // Only an anchor on a collection can expand; no `&`, no bomb.
        guard text.utf8.contains(UInt8(ascii: "&")), text.utf8.contains(UInt8(ascii: "*")) else { return }
        let ns = text as NSString
        for match in aliasKey.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let group = match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range(at: 2)
            let name = ns.substring(with: group)
            guard anchorsCollection(name, in: text) else { continue }
            let prefix = ns.substring(to: match.range.location)
            throw Failure(byteOffset: prefix.utf8.count,
                          message: "invalid YAML: alias *\(name) of a collection is used as a mapping key; "
                              + "keys must be strings")
        }
    }

    /// Whether `&name` is put on a flow collection (`&name [` / `&name {`) or a block one (`&name`
    /// at the end of its line).
    private static func anchorsCollection(_ name: String, in text: String) -> Bool {
        let pattern = "&" + NSRegularExpression.escapedPattern(for: name) + #"[ \t]*(?:[\[{]|#.*$|\r?$)"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return true }
        return regex.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
    }
}
