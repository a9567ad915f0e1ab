import Telemetry

/// ViewState + model + size → Canvas. Pure: the same inputs always give the same frame, which is
/// what the snapshot tests and the terminal diffing rely on. Only the visible rows are formatted.
public enum FrameRenderer {
    public static let minimumWidth = 40
    public static let minimumHeight = 8

    /// The table behind a screen (nil for Details, which is text).
    public static func table(for screen: Screen, model: DashboardModel, options: RenderOptions) -> (any PaneTable)? {
        switch screen.pane {
        case .services: ServicesTable(model: model, glyphs: options.glyphs, ascii: options.ascii)
        case .endpoints: EndpointsTable(model: model, serviceID: screen.context)
        case .ingress: IngressTable(model: model, ascii: options.ascii)
        case .flow: FlowTable(model: model, glyphs: options.glyphs, ascii: options.ascii, serviceID: screen.context)
        case .pods: PodsTable(model: model)
        case .nodes: NodesTable(model: model)
        case .events: EventsTable(model: model)
        case .details, .topology, .podDetails: nil
        }
    }

    /// The filtered, sorted rows of a screen, cached per sample.
    public static func rows(of table: any PaneTable, screen: Screen, model: DashboardModel) -> RowIndex {
        model.cache.index(screen.query, generation: model.generation) {
            RowIndex.compute(table, filter: screen.filter, sortColumn: screen.sortColumn, descending: screen.descending)
        }
    }

    /// Rows on screen for a terminal `height` (header, box, column titles, footer take 5).
    public static func pageSize(height: Int) -> Int { max(1, height - 5) }

    /// What the state machine needs to know about the current pane.
    public static func navigationContext(model: DashboardModel, state: ViewState, width: Int, height: Int,
                                         options: RenderOptions = RenderOptions(),
                                         podLog: PodLog? = nil) -> NavigationContext {
        let screen = state.current
        let page = pageSize(height: height)
        guard let table = table(for: screen, model: model, options: options) else {
            let n = detailLines(screen, model: model, options: options, width: width, podLog: podLog).count
            return NavigationContext(rowCount: n, pageSize: page, selectedKey: screen.context, columnTitles: [])
        }
        let rows = rows(of: table, screen: screen, model: model)
        let cursor = min(screen.cursor, max(0, rows.count - 1))
        return NavigationContext(rowCount: rows.count, pageSize: page,
                                 selectedKey: rows.count > 0 ? table.key(rows[cursor]) : nil,
                                 columnTitles: table.columns.map(\.title))
    }

    /// The latest pod log the runner fetched, for the pod screen.
    public typealias PodLog = (pod: ObjectRef, lines: Result<[String], ActionRefusal>)

    public static func render(model: DashboardModel, state: ViewState, width: Int, height: Int,
                              options: RenderOptions = RenderOptions(), podLog: PodLog? = nil) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            canvas.put("terminal too small: \(width)x\(height), need \(minimumWidth)x\(minimumHeight)", x: 0, y: 0,
                       role: .error)
            return canvas
        }
        drawHeader(&canvas, model: model, state: state, readOnly: options.readOnly)
        let screen = state.current
        let inner = width - 2
        var title = breadcrumbs(state)
        if case .help = state.mode { title = "Help" }
        if case .help(let offset) = state.mode {
            canvas.box(x: 0, y: 1, width: width, height: height - 2, glyphs: options.glyphs, title: title)
            let lines = wrap(HelpView.lines(options.bindings, readOnly: options.readOnly), width: inner - 1)
            drawText(&canvas, lines: lines, offset: offset, top: 2, bottom: height - 2, width: inner)
        } else if let table = table(for: screen, model: model, options: options) {
            let rows = rows(of: table, screen: screen, model: model)
            title += " [\(rows.count)]"
            if let f = screen.filter { title += " </\(f.display)>" }
            canvas.box(x: 0, y: 1, width: width, height: height - 2, glyphs: options.glyphs, title: title)
            drawTable(&canvas, table: table, rows: rows, screen: screen, width: inner, top: 2,
                      bottom: height - 2, options: options)
        } else {
            canvas.box(x: 0, y: 1, width: width, height: height - 2, glyphs: options.glyphs, title: title)
            let lines = detailLines(screen, model: model, options: options, width: inner, podLog: podLog)
            drawText(&canvas, lines: lines, offset: screen.cursor, top: 2, bottom: height - 2, width: inner)
        }
        drawFooter(&canvas, state: state, options: options)
        return canvas
    }

    /// The text of a screen that is not a table (service details, topology, a pod).
    public static func detailLines(_ screen: Screen, model: DashboardModel, options: RenderOptions,
                                   width: Int, podLog: PodLog? = nil) -> [(String, Role)] {
        let id = screen.context ?? ""
        // A tree is cut at the edge rather than wrapped: a wrapped line would break its branches.
        if screen.pane == .topology {
            return TopologyView.lines(model: model, serviceID: screen.context, options: options)
        }
        let lines = switch screen.pane {
        case .podDetails: PodDetailsView.lines(podID: id, model: model, podLog: podLog, options: options)
        default: DetailsView.lines(service: model.service(id: id), id: id, model: model, options: options)
        }
        return wrap(lines, width: width - 1)
    }

    static func breadcrumbs(_ state: ViewState) -> String {
        state.stack.suffix(3).map { s in
            s.pane.title + (s.context.map { "(\($0))" } ?? (s.pane == .endpoints || s.pane == .topology ? "(all)" : ""))
        }.joined(separator: " > ")
    }

    static func drawHeader(_ canvas: inout Canvas, model: DashboardModel, state: ViewState, readOnly: Bool = false) {
        let t = model.totals
        let parts = ["Switchboard", "svc \(t.services)", "ep \(t.readyEndpoints)/\(t.endpoints) ready",
                     "pods \(t.readyPods)/\(t.pods)", "nodes \(t.readyNodes)/\(t.nodes)",
                     "\(Format.rate(t.connectionsPerSecond)) conn/s", "\(t.active) active"]
        canvas.fill(" ", x: 0, y: 0, count: canvas.width, role: .header)
        var x = canvas.put(" " + parts.joined(separator: "  "), x: 0, y: 0, role: .header)
        if state.frozen {
            x += 2
            x += canvas.put(" FROZEN ", x: x, y: 0, role: .badge)
        }
        if readOnly {
            x += 2
            x += canvas.put(" READ-ONLY ", x: x, y: 0, role: .badge)
        }
        let clock = model.time > 0 ? Format.clock(model.time) + " " : ""
        if x + clock.count + 1 < canvas.width {
            canvas.put(clock, x: canvas.width - clock.count, y: 0, role: .header)
        }
    }

    static func drawTable(_ canvas: inout Canvas, table: any PaneTable, rows: RowIndex, screen: Screen, width: Int,
                          top: Int, bottom: Int, options: RenderOptions) {
        let columns = table.columns
        let layout = TableLayout.fit(columns, width: width - 2)
        var x = 2
        for (k, col) in layout.enumerated() {
            var title = columns[col.index].title
            var role = Role.columnHeader
            if screen.sortColumn == col.index {
                title += screen.descending ? options.glyphs.sortDescending : options.glyphs.sortAscending
                role = .sortColumn
            }
            canvas.put(TextWidth.fit(title, col.width, right: columns[col.index].alignRight), x: x, y: top, role: role)
            x += col.width + (k < layout.count - 1 ? 1 : 0)
        }
        let page = bottom - top - 1
        guard page > 0 else { return }
        if rows.count == 0 {
            canvas.put(screen.filter == nil ? "nothing to show" : "no rows match the filter", x: 2, y: top + 1,
                       role: .dim)
            return
        }
        let cursor = min(screen.cursor, rows.count - 1)
        var offset = min(screen.offset, max(0, rows.count - page))
        if cursor < offset { offset = cursor }
        if cursor >= offset + page { offset = cursor - page + 1 }
        for line in 0..<min(page, rows.count - offset) {
            let row = rows[offset + line]
            let y = top + 1 + line
            let text = TableLayout.line(table.cells(row), layout: layout, columns: columns,
                                        ellipsis: options.glyphs.ellipsis)
            let role = offset + line == cursor ? Role.selected : table.role(row)
            canvas.fill(" ", x: 1, y: y, count: width, role: role)
            canvas.put(text, x: 2, y: y, role: role, maxWidth: width - 2)
            if role != .selected, let spark = layout.firstIndex(where: { columns[$0.index].title == "TRAFFIC" }) {
                let sx = 2 + layout[..<spark].reduce(0) { $0 + $1.width + 1 }
                canvas.paint(role: .sparkline, x: sx, y: y, count: layout[spark].width)
            }
        }
    }

    static func drawText(_ canvas: inout Canvas, lines: [(String, Role)], offset: Int, top: Int, bottom: Int,
                         width: Int) {
        // Scrolling stops at the last page: `G` shows the end, not one line of it.
        let start = min(max(0, offset), max(0, lines.count - (bottom - top)))
        for (i, line) in lines.dropFirst(start).prefix(bottom - top).enumerated() {
            canvas.put(line.0, x: 2, y: top + i, role: line.1, maxWidth: width - 2)
        }
    }

    static func drawFooter(_ canvas: inout Canvas, state: ViewState, options: RenderOptions) {
        let y = canvas.height - 1
        switch state.mode {
        case .command(let text):
            canvas.fill(" ", x: 0, y: y, count: canvas.width, role: .prompt)
            canvas.put(":" + text + "_", x: 0, y: y, role: .prompt)
            return
        case .filter(let text):
            canvas.fill(" ", x: 0, y: y, count: canvas.width, role: .prompt)
            canvas.put("/" + text + "_   (regex, !inverse, -l selector; Enter keeps, Esc clears)", x: 0, y: y,
                       role: .prompt)
            return
        default: break
        }
        if let message = state.message {
            canvas.put(message, x: 0, y: y, role: .warn)
            return
        }
        let hints: [Intent] = switch state.current.pane {
        case .services: [.enter, .details, .filter, .command, .nextPane, .sortNext, .freeze, .help, .quit]
        case .endpoints: [.enter, .back, .filter, .command, .nextPane, .sortNext, .freeze, .help, .quit]
        case .pods: [.enter, .back, .filter, .command, .nextPane, .sortNext, .freeze, .help, .quit]
        case .topology, .podDetails: [.back, .down, .pageDown, .command, .nextPane, .freeze, .help, .quit]
        default: [.back, .filter, .command, .nextPane, .sortNext, .freeze, .help, .quit]
        }
        let names: [Intent: String] = [.enter: "drill", .details: "details", .back: "back", .filter: "filter",
                                       .down: "scroll", .pageDown: "page",
                                       .command: "cmd", .nextPane: "pane", .sortNext: "sort", .freeze: "freeze",
                                       .help: "help", .quit: "quit"]
        var x = 0
        for intent in hints {
            guard let key = options.bindings.keys(for: intent).first(where: { $0 != .char(" ") }) else { continue }
            let label = " " + (names[intent] ?? intent.rawValue) + "  "
            if x + key.spec.count + label.count > canvas.width { break }
            x += canvas.put(key.spec, x: x, y: y, role: .key)
            x += canvas.put(label, x: x, y: y, role: .dim)
        }
    }

    /// Word-wraps lines wider than `width`. Continuation lines hang under the second column
    /// when the line has one (two or more spaces after text: help's key column), else under the
    /// line's own indent plus two.
    static func wrap(_ lines: [(String, Role)], width: Int) -> [(String, Role)] {
        var out: [(String, Role)] = []
        for (text, role) in lines {
            guard TextWidth.of(text) > width, width > 20 else { out.append((text, role)); continue }
            let chars = Array(text)
            let lead = chars.prefix { $0 == " " }.count
            var hang = lead + 2
            var i = lead
            while i + 1 < chars.count {
                if chars[i] == " ", chars[i + 1] == " " {
                    var j = i
                    while j < chars.count, chars[j] == " " { j += 1 }
                    if j < width / 2 { hang = j }
                    break
                }
                i += 1
            }
            var rest = chars
            var first = true
            while TextWidth.of(String(rest)) > width {
                let limit = min(width, rest.count)
                let minCut = first ? lead + 1 : hang + 1
                var cut = limit
                while cut > minCut, rest[cut] != " " { cut -= 1 }
                if cut <= minCut { cut = limit }
                out.append((String(rest[..<cut]), role))
                var tail = rest[cut...].drop { $0 == " " }
                if tail.isEmpty { rest = []; break }
                rest = Array(repeating: " ", count: hang) + Array(tail)
                tail = []
                first = false
            }
            if !rest.isEmpty { out.append((String(rest), role)) }
        }
        return out
    }
}
