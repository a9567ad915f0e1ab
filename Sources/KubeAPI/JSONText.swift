import ClusterModel
import Foundation

/// JSON in and out of the API. Output is written by hand rather than with `JSONEncoder` so that
/// keys come out sorted (stable answers, byte-comparable in tests) and slashes stay unescaped,
/// as the API server writes them.
enum JSONText {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses a request body. Foundation's parser bounds nesting depth, so a body of a million
    /// `[` fails cleanly instead of exhausting the stack of the recursive code that follows.
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let context):
                let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                throw ParseError(description: underlying ?? context.debugDescription)
            default:
                throw ParseError(description: "\(error)")
            }
        } catch {
            throw ParseError(description: "\(error)")
        }
    }

    /// A typed value as a JSON tree (what patches and tables operate on).
    static func value<T: Encodable>(_ object: T) -> JSONValue {
        do {
            let data = try JSONEncoder().encode(object)
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            preconditionFailure("model types always encode: \(error)")
        }
    }

    static func value(_ object: APIObject) -> JSONValue { value(AnyKubeObject(object.base)) }

    static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    static func string(_ value: JSONValue) -> String { String(decoding: bytes(value), as: UTF8.self) }

    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .double(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { out += Array(String(Int(d)).utf8) }
            else if d.isFinite { out += Array(String(d).utf8) }
            else { out += Array("null".utf8) }
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(fields[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [92, 34]
            case UInt8(ascii: "\\"): out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<32:
                out += Array("\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Type-erased encoding of any stored object.
struct AnyKubeObject: Encodable {
    var base: any KubeObject
    init(_ base: any KubeObject) { self.base = base }
    func encode(to encoder: Encoder) throws { try base.encode(to: encoder) }
}

extension JSONValue {
    /// `self[a][b]…` for reading nested fields.
    func at(_ path: String...) -> JSONValue? {
        var node: JSONValue? = self
        for key in path { node = node?[key] }
        return node
    }

    /// Sets a nested field, creating objects on the way.
    mutating func set(_ path: [String], _ value: JSONValue?) {
        guard let first = path.first else {
            if let value { self = value }
            return
        }
        var fields = objectValue ?? [:]
        if path.count == 1 {
            fields[first] = value
        } else {
            var child = fields[first] ?? .object([:])
            child.set(Array(path.dropFirst()), value)
            fields[first] = child
        }
        self = .object(fields)
    }
}
