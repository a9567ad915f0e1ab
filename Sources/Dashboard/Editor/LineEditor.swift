/// A one-line text field as readline users expect it: the cursor moves inside the text, and
/// history recalls earlier entries without losing what was being typed. A value: keys in, a new
/// line out, so every key is a unit test.
public struct LineEditor: Sendable, Hashable {
    public private(set) var characters: [Character]
    /// Insertion point, 0...characters.count.
    public private(set) var cursor: Int
    /// Earlier entries, oldest first; ↑ walks back from the newest.
    public private(set) var history: [String]
    /// Index into `history` while browsing it; nil while editing the draft.
    public private(set) var historyIndex: Int?
    /// What was being typed when ↑ was first pressed, restored by ↓ past the newest entry.
    private var draft: [Character] = []

    public enum Outcome: Sendable, Hashable {
        /// The text or the cursor changed (or the key was absorbed).
        case edited
        case submit
        case cancel
        /// Not a line-editing key.
        case ignored
    }

    public init(_ text: String = "", history: [String] = []) {
        characters = Array(text)
        cursor = characters.count
        self.history = history
    }

    public var text: String { String(characters) }

    public mutating func handle(_ key: KeyPress) -> Outcome {
        switch key {
        case .enter: return .submit
        case .escape, .ctrl("c"), .ctrl("g"): return .cancel
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { break }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { break }
            characters.remove(at: cursor)
        case .ctrl("w"): deleteWordBeforeCursor()
        case .ctrl("u"):
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .ctrl("k"):
            characters.removeSubrange(cursor...)
        case .up, .ctrl("p"): recall(older: true)
        case .down, .ctrl("n"): recall(older: false)
        case .char(let c):
            characters.insert(c, at: cursor)
            cursor += 1
        case .resize: break
        default: return .ignored
        }
        return .edited
    }

    /// Replaces the whole text (history recall, tests), cursor at the end.
    public mutating func set(_ text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    /// readline's `unix-word-rubout`: spaces before the cursor, then the word before them. A
    /// comma or `=` also ends a word, so Ctrl-W removes one `key=value` piece at a time.
    private mutating func deleteWordBeforeCursor() {
        var start = cursor
        while start > 0, characters[start - 1] == " " { start -= 1 }
        let separators: Set<Character> = [" ", ",", "=", "(", ")"]
        if start > 0, separators.contains(characters[start - 1]), characters[start - 1] != " " {
            start -= 1
        } else {
            while start > 0, !separators.contains(characters[start - 1]) { start -= 1 }
        }
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    private mutating func recall(older: Bool) {
        guard !history.isEmpty else { return }
        if older {
            let next: Int
            if let i = historyIndex { next = max(0, i - 1) } else {
                draft = characters
                next = history.count - 1
            }
            historyIndex = next
            set(history[next])
        } else {
            guard let i = historyIndex else { return }
            if i + 1 < history.count {
                historyIndex = i + 1
                set(history[i + 1])
            } else {
                historyIndex = nil
                characters = draft
                cursor = characters.count
            }
        }
    }
}
