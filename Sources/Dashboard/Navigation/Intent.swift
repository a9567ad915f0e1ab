/// What a key means in normal mode. Config files rebind intents by these names.
public enum Intent: String, CaseIterable, Codable, Sendable, Hashable {
    case up, down, pageUp, pageDown, top, bottom
    case enter, back, details
    case nextPane, previousPane
    case command, filter, help
    case sortNext, sortPrevious, sortReverse, sortByName
    case freeze, quit

    public var summary: String {
        switch self {
        case .up: "move up a row"
        case .down: "move down a row"
        case .pageUp: "page up"
        case .pageDown: "page down"
        case .top: "first row"
        case .bottom: "last row"
        case .enter: "drill down: a service's endpoints, an endpoint's service details, a pod's env, resolv.conf and log"
        case .back: "back out: clear the filter, then return to the previous view"
        case .details: "details of the selected service (DNS names, env vars, endpoints) or pod"
        case .nextPane: "next pane (svc, ep, ing, flow, topo, pods, nodes, events)"
        case .previousPane: "previous pane"
        case .command: "command: :svc :ep :ing :flow :topo :pods :nodes :events :pd ns/pod :q"
        case .filter: "filter rows: /regex, /!inverse, /-l app=web (label selector)"
        case .help: "this help"
        case .sortNext: "sort by the next column"
        case .sortPrevious: "sort by the previous column"
        case .sortReverse: "reverse the sort order"
        case .sortByName: "sort by name"
        case .freeze: "freeze the display (the engine keeps running); again to resume"
        case .quit: "quit"
        }
    }
}

/// Keys to intents. Defaults follow k9s and vi (`j`/`k`, `g`/`G`, `:`, `/`, `?`); destructive
/// verbs do not exist, so no chord can hurt (the tmux-prefix complaint).
public struct KeyBindings: Sendable, Hashable {
    public private(set) var map: [KeyPress: Intent]

    public init(map: [KeyPress: Intent]) { self.map = map }

    public static let `default` = KeyBindings(map: [
        .up: .up, .char("k"): .up, .down: .down, .char("j"): .down,
        .pageUp: .pageUp, .ctrl("b"): .pageUp, .pageDown: .pageDown, .ctrl("f"): .pageDown, .char(" "): .pageDown,
        .home: .top, .char("g"): .top, .end: .bottom, .char("G"): .bottom,
        .enter: .enter, .right: .enter, .escape: .back, .left: .back, .char("d"): .details,
        .tab: .nextPane, .backTab: .previousPane,
        .char(":"): .command, .char("/"): .filter, .char("?"): .help, .function(1): .help,
        .char(">"): .sortNext, .char("<"): .sortPrevious, .char("I"): .sortReverse, .char("N"): .sortByName,
        .char("f"): .freeze, .char("q"): .quit, .ctrl("c"): .quit,
    ])

    public func intent(for key: KeyPress) -> Intent? { map[key] }

    /// The keys bound to `intent`, in a stable order, for help and footer hints.
    public func keys(for intent: Intent) -> [KeyPress] {
        map.filter { $0.value == intent }.map(\.key).sorted { $0.spec < $1.spec }
    }

    /// Rebinds: each listed intent gets exactly the given keys (its old keys are dropped), and a
    /// key moved to a new intent leaves its old one. Unknown names and keys are reported.
    public func overridden(by overrides: [String: [String]]) -> (KeyBindings, problems: [String]) {
        var out = self
        var problems: [String] = []
        for (name, specs) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let intent = Intent(rawValue: name) else {
                problems.append("unknown action \(name)")
                continue
            }
            out.map = out.map.filter { $0.value != intent }
            for spec in specs {
                guard let key = KeyPress(spec: spec) else {
                    problems.append("unknown key \(spec) for \(name)")
                    continue
                }
                out.map[key] = intent
            }
        }
        return (out, problems)
    }
}
