import Synchronization

/// Which rows of a pane are shown, in which order: the result of filter + sort.
public struct RowQuery: Sendable, Hashable {
    public var pane: PaneKind
    /// The service a drill-down is about (`namespace/name`).
    public var context: String?
    public var filter: RowFilter?
    /// Column index; nil keeps the pane's natural order.
    public var sortColumn: Int?
    public var descending: Bool

    public init(pane: PaneKind, context: String? = nil, filter: RowFilter? = nil, sortColumn: Int? = nil,
                descending: Bool = false) {
        self.pane = pane
        self.context = context
        self.filter = filter
        self.sortColumn = sortColumn
        self.descending = descending
    }
}

/// Visible row numbers of a table: every row in natural order costs nothing to represent.
public enum RowIndex: Sendable {
    case all(Int)
    case some([Int])

    public var count: Int {
        switch self {
        case .all(let n): n
        case .some(let rows): rows.count
        }
    }

    public subscript(i: Int) -> Int {
        switch self {
        case .all: i
        case .some(let rows): rows[i]
        }
    }

    /// Filters and sorts `table`'s rows. Cost grows with the table, so callers cache the result
    /// per sample (`RowIndexCache`).
    public static func compute(_ table: some PaneTable, filter: RowFilter?, sortColumn: Int?,
                               descending: Bool) -> RowIndex {
        guard filter != nil || sortColumn != nil else { return .all(table.count) }
        var rows = Array(0..<table.count)
        switch filter {
        case .text(let pattern, let inverted):
            let m = TextMatcher(pattern)
            rows = rows.filter { m.matches(table.searchText($0)) != inverted }
        case .labels(let selector, _):
            rows = rows.filter { table.labels($0).map(selector.matches) ?? false }
        case nil:
            break
        }
        if let column = sortColumn, column < table.columns.count {
            let keys = rows.map { table.sortKey($0, column: column) }
            var order = Array(rows.indices)
            order.sort { a, b in
                keys[a] == keys[b] ? a < b : (descending ? keys[b] < keys[a] : keys[a] < keys[b])
            }
            rows = order.map { rows[$0] }
        }
        return .some(rows)
    }
}

/// Row indexes of the current sample, remembered so moving the cursor never re-filters or
/// re-sorts 10,000 rows. Cleared when a new sample arrives (a different generation).
final class RowIndexCache: Sendable {
    private let state = Mutex<(generation: Int, entries: [RowQuery: RowIndex])>((0, [:]))

    func index(_ query: RowQuery, generation: Int, compute: () -> RowIndex) -> RowIndex {
        if let hit = state.withLock({ $0.generation == generation ? $0.entries[query] : nil }) { return hit }
        let value = compute()
        state.withLock {
            if $0.generation != generation { $0 = (generation, [:]) }
            if $0.entries.count > 32 { $0.entries.removeAll() }
            $0.entries[query] = value
        }
        return value
    }
}
