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
    /// Lines holding only ASCII, where a column is a byte offset: every node of a one-line JSON
    /// file would otherwise walk the line from its start (quadratic in the line's length).
    private let asciiLines: [Bool]
    /// For the other lines: the byte offset of every 64th character, so a lookup walks at most
    /// 64 characters.
    private let checkpoints: [Int: [Int]]
    private static let checkpointStride = 64
    /// Offset added to every result: the UTF-8 BOM the decoder stripped before parsing.
    private let base: Int

    init(_ bytes: [UInt8], base: Int = 0) {
        self.bytes = bytes
        self.base = base
        var starts = [0]
        var ascii: [Bool] = []
        var lineIsASCII = true
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            let linesBefore = starts.count
            defer {
                if starts.count > linesBefore {
                    ascii.append(lineIsASCII)
                    lineIsASCII = true
                }
            }
            if b >= 0x80 { lineIsASCII = false }
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
        ascii.append(lineIsASCII)
        var marks: [Int: [Int]] = [:]
        for (line, isASCII) in ascii.enumerated() where !isASCII {
            let end = line + 1 < starts.count ? starts[line + 1] : n
            var offsets: [Int] = []
            var offset = starts[line], chars = 0
            while offset < end {
                if chars % Self.checkpointStride == 0 { offsets.append(offset) }
                offset += Self.scalarWidth(bytes[offset])
                chars += 1
            }
            marks[line] = offsets
        }
        lineStarts = starts
        asciiLines = ascii
        checkpoints = marks
    }

    /// Position for a 1-based line and column; columns beyond the line's end clamp to it.
    func position(line: Int, column: Int) -> SourcePosition {
        let lineNo = min(max(line, 1), lineStarts.count)
        var offset = lineStarts[lineNo - 1]
        var remaining = max(column - 1, 0)
        if asciiLines[lineNo - 1] {
            let end = lineNo < lineStarts.count ? lineStarts[lineNo] : bytes.count
            // Clamp to the line's end, before its break, as the walk below does.
            var lineEnd = end
            while lineEnd > offset, bytes[lineEnd - 1] == 0x0A || bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            return SourcePosition(line: line, column: column, byteOffset: base + min(offset + remaining, lineEnd))
        }
        if let marks = checkpoints[lineNo - 1], !marks.isEmpty {
            let k = min(remaining / Self.checkpointStride, marks.count - 1)
            offset = marks[k]
            remaining -= k * Self.checkpointStride
        }
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
