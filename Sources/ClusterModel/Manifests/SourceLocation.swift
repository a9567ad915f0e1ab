/// A place in a manifest file. Line and column are 1-based and count Unicode scalars, as libyaml
/// (and so every YAML-aware editor) reports them; the byte offset is for tools that seek.
public struct SourcePosition: Hashable, Sendable, Codable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var byteOffset: Int

    public init(line: Int, column: Int, byteOffset: Int) {
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
    }

    public var description: String { "line \(line), column \(column)" }
}

/// Where an object came from: the file, the 1-based YAML document within it, and the position of
/// the object's first line (for `kind: List` items, the item's own position).
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var document: Int
    public var position: SourcePosition?

    public init(file: String, document: Int, position: SourcePosition?) {
        self.file = file
        self.document = document
        self.position = position
    }

    public var line: Int? { position?.line }
    public var column: Int? { position?.column }
    public var byteOffset: Int? { position?.byteOffset }

    public var description: String {
        var s = "\(file): document \(document)"
        if let position { s += " (\(position))" }
        return s
    }
}

/// Converts libyaml's line/column marks into byte offsets. libyaml counts `\n`, `\r\n`, `\r`,
/// NEL, LS and PS as line breaks and columns in characters, so the index must do the same or
/// offsets drift on files written on other systems.
struct LineIndex: Sendable {
    private let bytes: [UInt8]
    private let lineStarts: [Int]
    /// Offset added to every result: the UTF-8 BOM the decoder stripped before parsing.
    private let base: Int

    init(_ bytes: [UInt8], base: Int = 0) {
        self.bytes = bytes
        self.base = base
        var starts = [0]
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A {
                starts.append(i + 1)
            } else if b == 0x0D {
                if i + 1 < n, bytes[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            } else if b == 0xC2, i + 1 < n, bytes[i + 1] == 0x85 {
                i += 1
                starts.append(i + 1)
            } else if b == 0xE2, i + 2 < n, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                i += 2
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
    }

    /// Position for a 1-based line and column; columns beyond the line's end clamp to it.
    func position(line: Int, column: Int) -> SourcePosition {
        let lineNo = min(max(line, 1), lineStarts.count)
        var offset = lineStarts[lineNo - 1]
        var remaining = max(column - 1, 0)
        while remaining > 0, offset < bytes.count {
            let b = bytes[offset]
            if b == 0x0A || b == 0x0D { break }
            offset += Self.scalarWidth(b)
            remaining -= 1
        }
        return SourcePosition(line: line, column: column, byteOffset: base + min(offset, bytes.count))
    }

    /// 1-based line and column of a byte offset (used for encoding errors found before parsing).
    func position(byteOffset: Int) -> SourcePosition {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= byteOffset { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = lineStarts[lo]
        while i < byteOffset, i < bytes.count {
            i += Self.scalarWidth(bytes[i])
            column += 1
        }
        return SourcePosition(line: lo + 1, column: column, byteOffset: base + byteOffset)
    }

    private static func scalarWidth(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
