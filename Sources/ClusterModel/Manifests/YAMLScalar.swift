import Foundation

/// Resolves YAML scalars the way `sigs.k8s.io/yaml` (go-yaml v2, YAML 1.1) does before turning a
/// manifest into JSON, so that `port: 80` is a number, `enabled: yes` a boolean, `version: "1"`
/// and `ts: 2024-01-01` strings — and a manifest means here what it means to kubectl.
enum YAMLScalar {
    enum Resolution: Equatable {
        case value(JSONValue)
        /// An explicit tag that does not fit the text, or a number JSON cannot hold.
        case invalid(String)
    }

    static let strTag = "tag:yaml.org,2002:str"
    static let intTag = "tag:yaml.org,2002:int"
    static let floatTag = "tag:yaml.org,2002:float"
    static let boolTag = "tag:yaml.org,2002:bool"
    static let nullTag = "tag:yaml.org,2002:null"

    /// - Parameters:
    ///   - text: the scalar's text.
    ///   - tag: the tag as libyaml reports it: "" when implicit (plain), `…:str` for quoted scalars.
    ///   - plain: whether the scalar was written without quotes or block indicators.
    /// - Returns: the JSON value, or a message when an explicit tag does not fit the text.
    static func resolve(_ text: String, tag: String, plain: Bool) -> Resolution {
        switch tag {
        case strTag, "!":
            return .value(.string(text))
        case intTag:
            if let v = number(text), case .int = v { return .value(v) }
            return .invalid("cannot decode !!str `\(text)` as a !!int")
        case floatTag:
            if let v = number(text) { return .value(v) }
            if special(text) != nil { return .invalid(nonJSON(text)) }
            return .invalid("cannot decode !!str `\(text)` as a !!float")
        case boolTag:
            if let b = bool(text) { return .value(.bool(b)) }
            return .invalid("cannot decode !!str `\(text)` as a !!bool")
        case nullTag:
            return .value(.null)
        case "", "?":
            guard plain else { return .value(.string(text)) }
            return implicit(text)
        default:
            // Other tags (`!!timestamp`, `!!binary`, local tags) keep the text, as go-yaml does
            // when decoding into an untyped value.
            return plain ? implicit(text) : .value(.string(text))
        }
    }

    private static func implicit(_ text: String) -> Resolution {
        switch text {
        case "", "~", "null", "Null", "NULL": return .value(.null)
        default: break
        }
        if let b = bool(text) { return .value(.bool(b)) }
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return .value(.string(text)) }
        if let special = special(text) {
            return special.map { .value($0) } ?? .invalid(nonJSON(text))
        }
        return .value(number(text) ?? .string(text))
    }

    private static func nonJSON(_ text: String) -> String {
        "\(text) is not a number JSON can represent (NaN and infinities are not allowed)"
    }

    /// `.inf`/`.nan` spellings: recognised (so they are not taken as strings) but not representable.
    private static func special(_ text: String) -> JSONValue?? {
        switch text {
        case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
            return .some(nil)
        default:
            return nil
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": true
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": false
        default: nil
        }
    }

    /// Go's `strconv.ParseInt(s, 0, 64)` after removing `_`, then `ParseUint`, then YAML-style floats.
    static func number(_ text: String) -> JSONValue? {
        let plain = text.replacingOccurrences(of: "_", with: "")
        if let i = goParseInt(plain) { return .int(i) }
        if let f = yamlFloat(plain) { return normalized(f) }
        return nil
    }

    /// Integral doubles become ints: JSON has one number type, and Go writes `3.0` back as `3`,
    /// which then decodes into integer fields.
    static func normalized(_ d: Double) -> JSONValue {
        if d.rounded() == d, abs(d) <= 9_007_199_254_740_992 { return .int(Int(d)) }
        return .double(d)
    }

    private static func goParseInt(_ s: String) -> Int? {
        var body = Substring(s)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        var radix = 10
        let lower = body.lowercased()
        if lower.hasPrefix("0x") { radix = 16; body = body.dropFirst(2) }
        else if lower.hasPrefix("0b") { radix = 2; body = body.dropFirst(2) }
        else if lower.hasPrefix("0o") { radix = 8; body = body.dropFirst(2) }
        else if body.count > 1, body.first == "0" { radix = 8; body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ $0.isHexDigit }), let magnitude = UInt64(body, radix: radix)
        else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int.min : -Int(magnitude)
        }
        // Beyond Int64 go-yaml yields a uint64; JSON readers then see a large number.
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int(magnitude)
    }

    /// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, go-yaml's float syntax.
    private static func yamlFloat(_ s: String) -> Double? {
        var u = Substring(s).utf8[...]
        func digits() -> Int {
            let n = u.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count
            u = u.dropFirst(n)
            return n
        }
        if u.first == UInt8(ascii: "+") || u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        if u.first == UInt8(ascii: ".") {
            u = u.dropFirst()
            guard digits() > 0 else { return nil }
        } else {
            guard digits() > 0 else { return nil }
            if u.first == UInt8(ascii: ".") {
                u = u.dropFirst()
                _ = digits()
            }
        }
        if u.first == UInt8(ascii: "e") || u.first == UInt8(ascii: "E") {
            u = u.dropFirst()
            if u.first == UInt8(ascii: "+") || u.first == UInt8(ascii: "-") { u = u.dropFirst() }
            guard digits() > 0 else { return nil }
        }
        guard u.isEmpty, let d = Double(s), d.isFinite else { return nil }
        return d
    }
}
