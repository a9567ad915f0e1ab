import Telemetry

/// One entry of the navigation history: a pane with its own filter, sort and cursor, so going
/// back restores exactly what was on screen (filters belong to history entries, not widgets).
public struct Screen: Sendable, Hashable {
    public var pane: PaneKind
    /// The service (`namespace/name`) an Endpoints or Details screen is about.
    public var context: String?
    public var filter: RowFilter?
    public var sortColumn: Int?
    public var descending = false
    public var cursor = 0
    /// First visible row.
    public var offset = 0

    public init(pane: PaneKind, context: String? = nil) {
        self.pane = pane
        self.context = context
    }

    public var query: RowQuery {
        RowQuery(pane: pane, context: context, filter: filter, sortColumn: sortColumn, descending: descending)
    }
}

/// Where keys go: the table, the `:` prompt, the `/` prompt, or the help screen.
public enum InputMode: Sendable, Hashable {
    case normal
    case command(String)
    case filter(String)
    case help(offset: Int)
}

/// What the current pane looks like to the state machine: enough to move the cursor and pick
/// the drill-down target without the state machine knowing about snapshots.
public struct NavigationContext: Sendable, Hashable {
    public var rowCount: Int
    public var pageSize: Int
    /// Key of the row under the cursor.
    public var selectedKey: String?
    public var columnTitles: [String]

    public init(rowCount: Int, pageSize: Int, selectedKey: String?, columnTitles: [String]) {
        self.rowCount = rowCount
        self.pageSize = pageSize
        self.selectedKey = selectedKey
        self.columnTitles = columnTitles
    }
}

/// The dashboard's navigation as a value: keys in, new state plus actions out (Hummingbird's
/// state-machine shape). No I/O, so every path is a unit test.
public struct ViewState: Sendable, Hashable {
    public private(set) var stack: [Screen]
    public var mode: InputMode = .normal
    public private(set) var frozen = false
    /// A one-line notice (bad command, bad selector) shown in the footer until the next key.
    public var message: String?

    public static let maxHistory = 32

    public init(pane: PaneKind = .services) { stack = [Screen(pane: pane)] }

    public var current: Screen {
        get { stack[stack.count - 1] }
        set { stack[stack.count - 1] = newValue }
    }

    public mutating func handle(_ key: KeyPress, bindings: KeyBindings = .default,
                                context: NavigationContext) -> [DashboardAction] {
        message = nil
        if key == .resize { return [] }
        switch mode {
        case .command(let text): return handlePrompt(key, text: text, isCommand: true)
        case .filter(let text): return handlePrompt(key, text: text, isCommand: false)
        case .help(let offset):
            switch bindings.intent(for: key) {
            case .down: mode = .help(offset: offset + 1)
            case .up: mode = .help(offset: max(0, offset - 1))
            case .pageDown: mode = .help(offset: offset + context.pageSize)
            case .pageUp: mode = .help(offset: max(0, offset - context.pageSize))
            case .quit where key == .ctrl("c"): return [.quit]
            default: mode = .normal
            }
            return []
        case .normal:
            guard let intent = bindings.intent(for: key) else { return [] }
            return perform(intent, context: context)
        }
    }

    public mutating func perform(_ intent: Intent, context: NavigationContext) -> [DashboardAction] {
        let last = max(0, context.rowCount - 1)
        switch intent {
        case .up: move(to: current.cursor - 1, context)
        case .down: move(to: current.cursor + 1, context)
        case .pageUp: move(to: current.cursor - max(1, context.pageSize), context)
        case .pageDown: move(to: current.cursor + max(1, context.pageSize), context)
        case .top: move(to: 0, context)
        case .bottom: move(to: last, context)
        case .enter: return drillDown(context)
        case .details: return showDetails(context)
        case .back: back()
        case .nextPane, .previousPane: cyclePane(forward: intent == .nextPane)
        case .command: mode = .command("")
        case .filter: mode = .filter(current.filter?.display ?? "")
        case .help: mode = .help(offset: 0)
        case .sortNext, .sortPrevious:
            let n = context.columnTitles.count
            guard n > 0 else { break }
            let step = intent == .sortNext ? 1 : n - 1
            current.sortColumn = ((current.sortColumn ?? (intent == .sortNext ? -1 : 0)) + step + n) % n
            current.cursor = 0
            current.offset = 0
        case .sortReverse:
            current.descending.toggle()
            if current.sortColumn == nil { current.sortColumn = 0 }
        case .sortByName:
            if let i = context.columnTitles.firstIndex(where: { ["NAME", "POD", "HOST", "OBJECT"].contains($0) }) {
                current.sortColumn = i
                current.descending = false
            }
        case .freeze:
            frozen.toggle()
            return [.freeze(frozen)]
        case .quit:
            return [.quit]
        }
        return []
    }

    private mutating func move(to row: Int, _ context: NavigationContext) {
        let cursor = min(max(0, row), max(0, context.rowCount - 1))
        current.cursor = cursor
        let page = max(1, context.pageSize)
        if cursor < current.offset { current.offset = cursor }
        if cursor >= current.offset + page { current.offset = cursor - page + 1 }
    }

    private mutating func push(_ screen: Screen) {
        stack.append(screen)
        if stack.count > Self.maxHistory { stack.removeFirst(stack.count - Self.maxHistory) }
    }

    private mutating func drillDown(_ context: NavigationContext) -> [DashboardAction] {
        guard let key = context.selectedKey else { return [] }
        switch current.pane {
        case .pods: return openPod(key)
        case .services: push(Screen(pane: .endpoints, context: key))
        case .endpoints:
            if let service = key.split(separator: "|").first { push(Screen(pane: .details, context: String(service))) }
        default: message = "nothing to drill into here; Esc goes back"
        }
        return []
    }

    /// Opens the pod screen and asks the runner for the pod's log.
    private mutating func openPod(_ id: String) -> [DashboardAction] {
        guard let ref = Self.objectRef(id) else { return [] }
        push(Screen(pane: .podDetails, context: id))
        return [.fetchPodLog(ref, tailLines: Self.podLogLines)]
    }

    /// Lines of log the pod screen asks for.
    public static let podLogLines = 50

    /// `namespace/name` as a reference.
    public static func objectRef(_ id: String) -> ObjectRef? {
        let parts = id.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        return ObjectRef(namespace: String(parts[0]), name: String(parts[1]))
    }

    private mutating func showDetails(_ context: NavigationContext) -> [DashboardAction] {
        switch current.pane {
        case .pods: if let key = context.selectedKey { return openPod(key) }
        case .services: if let key = context.selectedKey { push(Screen(pane: .details, context: key)) }
        case .endpoints:
            if let id = current.context ?? context.selectedKey?.split(separator: "|").first.map(String.init) {
                push(Screen(pane: .details, context: id))
            }
        default: message = "details are shown for services and pods (d on a service, endpoint or pod)"
        }
        return []
    }

    private mutating func back() {
        if current.filter != nil {
            current.filter = nil
            current.cursor = 0
            current.offset = 0
        } else if stack.count > 1 {
            stack.removeLast()
        }
    }

    private mutating func cyclePane(forward: Bool) {
        let cycle = PaneKind.cycle
        let i = cycle.firstIndex(of: current.pane) ?? (forward ? -1 : 0)
        let next = cycle[(i + (forward ? 1 : cycle.count - 1)) % cycle.count]
        current = Screen(pane: next, context: next == .endpoints ? current.context : nil)
    }

    private mutating func handlePrompt(_ key: KeyPress, text: String, isCommand: Bool) -> [DashboardAction] {
        var text = text
        switch key {
        case .escape:
            mode = .normal
            if !isCommand { applyFilter("") }
            return []
        case .ctrl("c"):
            mode = .normal
            return []
        case .enter:
            mode = .normal
            if isCommand { return runCommand(text) }
            if !applyFilter(text) { mode = .filter(text) }
            return []
        case .backspace, .delete, .ctrl("h"):
            if text.isEmpty { mode = .normal; return [] }
            text.removeLast()
        case .ctrl("u"):
            text = ""
        case .char(let c):
            text.append(c)
        default:
            return []
        }
        mode = isCommand ? .command(text) : .filter(text)
        if !isCommand { applyFilter(text, quiet: true) }
        return []
    }

    /// Applies the filter as typed; a selector that does not parse yet keeps the last good one.
    @discardableResult
    private mutating func applyFilter(_ text: String, quiet: Bool = false) -> Bool {
        do {
            current.filter = try RowFilter.parse(text)
            current.cursor = 0
            current.offset = 0
            return true
        } catch {
            if !quiet { message = "bad selector: \(error)" }
            return false
        }
    }

    private mutating func runCommand(_ text: String) -> [DashboardAction] {
        let words = text.split(separator: " ").map(String.init)
        guard let first = words.first else { return [] }
        if ["q", "q!", "quit", "exit"].contains(first) { return [.quit] }
        if first == "help" { mode = .help(offset: 0); return [] }
        guard let pane = PaneKind.parse(first) else {
            message = "unknown command :\(first) (try :svc :ep :ing :flow :topo :pods :nodes :events)"
            return []
        }
        var screen = Screen(pane: pane)
        if words.count > 1 { // `:ep default/kubia`, `:svc app=web` (k9s: a selector after the kind)
            let arg = words.dropFirst().joined(separator: " ")
            if [.endpoints, .details, .topology, .podDetails].contains(pane), !arg.contains("=") {
                screen.context = arg.contains("/") ? arg : "default/" + arg
            } else {
                screen.filter = try? RowFilter.parse(arg.contains("=") ? "-l " + arg : arg)
            }
        }
        if pane == .details, screen.context == nil {
            message = "details need a service: :details namespace/name"
            return []
        }
        if pane == .podDetails {
            guard let id = screen.context else {
                message = "the pod view needs a pod: :pd namespace/name (or Enter on a pod)"
                return []
            }
            return openPod(id)
        }
        push(screen)
        return []
    }
}
