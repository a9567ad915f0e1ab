import ClusterModel

/// A column of a pane's table. Columns have a priority: on a narrow terminal the least important
/// ones are dropped whole rather than every column squeezed unreadable (linkerd top's lesson).
public struct Column: Sendable, Hashable {
    public var title: String
    /// Width the column gets before any flex space is shared out.
    public var width: Int
    /// Share of the remaining space (0: fixed width).
    public var flex: Int
    /// 0 is always shown; higher numbers are dropped first when the table does not fit.
    public var priority: Int
    public var alignRight: Bool

    public init(_ title: String, width: Int, flex: Int = 0, priority: Int = 0, alignRight: Bool = false) {
        self.title = title
        self.width = width
        self.flex = flex
        self.priority = priority
        self.alignRight = alignRight
    }
}

/// How rows sort on a column.
public enum SortKey: Sendable, Comparable {
    case number(Double)
    case text(String)

    public static func < (a: SortKey, b: SortKey) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y
        case (.text(let x), .text(let y)): x < y
        case (.number, .text): true
        case (.text, .number): false
        }
    }
}

/// A pane's rows seen as a table. Rows are addressed by index and formatted on demand, so a frame
/// at 10,000 services formats only the twenty on screen; filtering and sorting produce an index
/// array that is cached per sample.
public protocol PaneTable {
    var columns: [Column] { get }
    var count: Int { get }
    /// A stable identity for the row (cursor keeps its row across samples; drill-down target).
    func key(_ row: Int) -> String
    func cells(_ row: Int) -> [String]
    func role(_ row: Int) -> Role
    /// What `/text` filters match against.
    func searchText(_ row: Int) -> String
    /// What `/-l selector` matches; nil when the row has no labels.
    func labels(_ row: Int) -> [String: String]?
    func sortKey(_ row: Int, column: Int) -> SortKey
}

extension PaneTable {
    public func labels(_ row: Int) -> [String: String]? { nil }

    public func sortKey(_ row: Int, column: Int) -> SortKey {
        let text = cells(row)[column]
        if let n = Double(text.filter { $0.isNumber || $0 == "." }), text.first?.isNumber == true {
            return .number(n)
        }
        return .text(text)
    }
}
