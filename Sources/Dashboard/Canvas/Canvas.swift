/// One screen cell: a grapheme and what it means. A wide grapheme occupies its cell and the next,
/// which holds `Cell.continuation` so the terminal backend knows to skip it.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var role: Role

    public init(_ character: Character, _ role: Role = .normal) {
        self.character = character
        self.role = role
    }

    public static let blank = Cell(" ")
    public static let continuationCharacter: Character = "\u{0}"
    public var isContinuation: Bool { character == Self.continuationCharacter }
}

/// A frame: a grid of styled cells, the only thing the Dashboard gives the terminal. Pure value,
/// so a frame can be compared with the previous one (the backend writes only what changed) and
/// dumped as text for snapshot tests.
public struct Canvas: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from column `x` of row `y`, clipped to `maxWidth` columns (and the canvas);
    /// returns the columns used. A wide grapheme that would straddle the limit is left out.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, role: Role = .normal,
                             maxWidth: Int = Int.max) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, maxWidth == Int.max ? width : x + maxWidth)
        var col = x
        for c in text {
            let w = TextWidth.of(c)
            if w == 0 { continue }
            if col + w > limit { break }
            if col >= 0 {
                cells[y * width + col] = Cell(c, role)
                if w == 2 { cells[y * width + col + 1] = Cell(Cell.continuationCharacter, role) }
            }
            col += w
        }
        return col - x
    }

    /// Paints `role` over columns `x..<x+count` of row `y`, keeping characters (row highlight).
    public mutating func paint(role: Role, x: Int = 0, y: Int, count: Int = Int.max) {
        guard y >= 0, y < height else { return }
        let end = count == Int.max ? width : min(width, x + count)
        for col in max(0, x)..<max(max(0, x), end) { cells[y * width + col].role = role }
    }

    /// Fills a row segment with one character.
    public mutating func fill(_ c: Character, x: Int, y: Int, count: Int, role: Role) {
        guard y >= 0, y < height else { return }
        let end = min(width, x + count)
        for col in max(0, x)..<max(max(0, x), end) { cells[y * width + col] = Cell(c, role) }
    }

    /// A box-drawing frame around the rectangle, with `title` set into the top edge.
    public mutating func box(x: Int, y: Int, width w: Int, height h: Int, glyphs: Glyphs, title: String = "",
                             titleRole: Role = .title) {
        guard w >= 2, h >= 2 else { return }
        fill(glyphs.horizontal, x: x + 1, y: y, count: w - 2, role: .border)
        fill(glyphs.horizontal, x: x + 1, y: y + h - 1, count: w - 2, role: .border)
        self[x, y] = Cell(glyphs.topLeft, .border)
        self[x + w - 1, y] = Cell(glyphs.topRight, .border)
        self[x, y + h - 1] = Cell(glyphs.bottomLeft, .border)
        self[x + w - 1, y + h - 1] = Cell(glyphs.bottomRight, .border)
        for row in (y + 1)..<(y + h - 1) {
            self[x, row] = Cell(glyphs.vertical, .border)
            self[x + w - 1, row] = Cell(glyphs.vertical, .border)
        }
        if !title.isEmpty, w > 6 {
            put(" " + title + " ", x: x + 2, y: y, role: titleRole, maxWidth: w - 4)
        }
    }

    /// The text of row `y` (continuation cells dropped, trailing spaces kept).
    public func line(_ y: Int) -> String {
        var s = ""
        s.reserveCapacity(width)
        for x in 0..<width {
            let c = cells[y * width + x]
            if !c.isContinuation { s.append(c.character) }
        }
        return s
    }

    /// The whole frame as text, one line per row, trailing spaces trimmed: what `--once` prints.
    public var text: String {
        (0..<height).map { line($0).trimmingTrailingSpaces() }.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
