import Foundation
import Telemetry

/// `switchboard up --once --view svc|ep|ing|flow|pods|nodes|events [-o json]`: one view as plain
/// text for scripts (every row, kubectl-style columns sized to their content, no colour) or as
/// JSON (one object per row, keyed by the column names in lower case).
public enum OnceOutput {
    /// - Parameters:
    ///   - service: `namespace/name` for the Endpoints and Details views of one service (the
    ///     topology of one service, a pod for the pod view).
    public static func text(_ pane: PaneKind, snapshot: Snapshot, previous: Snapshot? = nil, service: String? = nil,
                            ascii: Bool = false) -> String {
        let model = model(snapshot, previous)
        let options = RenderOptions(glyphs: ascii ? .ascii : .unicode)
        var screen = Screen(pane: pane, context: service)
        screen.cursor = 0
        guard let table = FrameRenderer.table(for: screen, model: model, options: options) else {
            return FrameRenderer.detailLines(screen, model: model, options: options, width: 100_000)
                .map(\.0).joined(separator: "\n") + "\n"
        }
        let columns = table.columns
        let rows = (0..<table.count).map { table.cells($0) }
        var widths = columns.map { TextWidth.of($0.title) }
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], TextWidth.of(cell)) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 && !columns[i].alignRight ? c
                    : TextWidth.fit(c, widths[i], right: columns[i].alignRight)
            }.joined(separator: "   ").trimmingTrailingSpaces()
        }
        return ([line(columns.map(\.title))] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    public static func json(_ pane: PaneKind, snapshot: Snapshot, previous: Snapshot? = nil,
                            service: String? = nil) -> String {
        let model = model(snapshot, previous)
        let options = RenderOptions(glyphs: .ascii)
        let screen = Screen(pane: pane, context: service)
        var rows: [[String: String]] = []
        if let table = FrameRenderer.table(for: screen, model: model, options: options) {
            let keys = table.columns.map { $0.title.lowercased() }
            rows = (0..<table.count).map { Dictionary(uniqueKeysWithValues: zip(keys, table.cells($0))) }
        } else if let s = model.service(id: service ?? "") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: (try? encoder.encode(s)) ?? Data(), as: UTF8.self) + "\n"
        }
        let data = (try? JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func model(_ snapshot: Snapshot, _ previous: Snapshot?) -> DashboardModel {
        var model = DashboardModel()
        if let previous { model.ingest(previous) }
        model.ingest(snapshot)
        return model
    }
}
