/// Decodes a Decodable straight from a `JSONTree`, without printing it and parsing it again: a
/// seek or a replay at 16× rebuilds a whole cluster's Snapshot per sample, and the round trip
/// through `JSONDecoder` was most of that cost.
struct JSONTreeDecoder: Decoder {
    let tree: JSONTree
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<T: Decodable>(_ type: T.Type, from tree: JSONTree) throws -> T {
        try T(from: JSONTreeDecoder(tree: tree))
    }

    func mismatch(_ expected: Any.Type) -> DecodingError {
        .typeMismatch(expected, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(tree)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .object(o) = tree else { throw mismatch([String: Any].self) }
        return KeyedDecodingContainer(Keyed<Key>(object: o, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case let .array(a) = tree else { throw mismatch([Any].self) }
        return Unkeyed(items: a, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(tree: tree, codingPath: codingPath) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: [String: JSONTree]
        var codingPath: [any CodingKey]
        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        func child(_ key: Key) throws -> JSONTreeDecoder {
            guard let v = object[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no \(key.stringValue)"))
            }
            return JSONTreeDecoder(tree: v, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let v = object[key.stringValue] else { return true }
            return v == .null
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try T(from: child(key)) }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let v = object[key.stringValue], v != .null else { return nil }
            return try T(from: JSONTreeDecoder(tree: v, codingPath: codingPath + [key]))
        }

        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            try child(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try child(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { JSONTreeDecoder(tree: .object(object), codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [JSONTree]
        var codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        init(items: [JSONTree], codingPath: [any CodingKey]) {
            self.items = items
            self.codingPath = codingPath
        }

        mutating func next() throws -> JSONTreeDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "end of array"))
            }
            defer { currentIndex += 1 }
            return JSONTreeDecoder(tree: items[currentIndex], codingPath: codingPath)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, items[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: next()) }

        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let tree: JSONTree
        var codingPath: [any CodingKey]

        func fail(_ t: Any.Type) -> DecodingError {
            .typeMismatch(t, .init(codingPath: codingPath, debugDescription: "expected \(t), found \(tree)"))
        }

        func number<T>(_ parse: (String) -> T?) throws -> T {
            guard case let .number(n) = tree, let v = parse(n) else { throw fail(T.self) }
            return v
        }

        func decodeNil() -> Bool { tree == .null }
        func decode(_ type: Bool.Type) throws -> Bool {
            guard case let .bool(b) = tree else { throw fail(type) }
            return b
        }
        func decode(_ type: String.Type) throws -> String {
            guard case let .string(s) = tree else { throw fail(type) }
            return s
        }
        func decode(_ type: Double.Type) throws -> Double { try number { Double($0) } }
        func decode(_ type: Float.Type) throws -> Float { try number { Float($0) } }
        func decode(_ type: Int.Type) throws -> Int { try number { Int($0) ?? Double($0).flatMap { Int(exactly: $0) } } }
        func decode(_ type: Int8.Type) throws -> Int8 { try number { Int8($0) } }
        func decode(_ type: Int16.Type) throws -> Int16 { try number { Int16($0) } }
        func decode(_ type: Int32.Type) throws -> Int32 { try number { Int32($0) } }
        func decode(_ type: Int64.Type) throws -> Int64 { try number { Int64($0) } }
        func decode(_ type: UInt.Type) throws -> UInt { try number { UInt($0) } }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try number { UInt8($0) } }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try number { UInt16($0) } }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try number { UInt32($0) } }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try number { UInt64($0) ?? Double($0).flatMap { UInt64(exactly: $0) } } }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: JSONTreeDecoder(tree: tree, codingPath: codingPath)) }
    }
}
