/// Fits a pane's columns into a width: drop the least important columns until the fixed widths
/// fit, then share what is left among flexible columns.
public enum TableLayout {
    /// Visible (column index, width) pairs, in column order.
    public static func fit(_ columns: [Column], width: Int) -> [(index: Int, width: Int)] {
        var shown = Array(columns.indices)
        func needed() -> Int { shown.reduce(0) { $0 + columns[$1].width } + max(0, shown.count - 1) }
        while needed() > width, shown.count > 1 {
            let drop = shown.max { (columns[$0].priority, $0) < (columns[$1].priority, $1) }!
            if columns[drop].priority == 0 { break }
            shown.removeAll { $0 == drop }
        }
        var widths = shown.map { columns[$0].width }
        var spare = width - needed()
        let flexTotal = shown.reduce(0) { $0 + columns[$1].flex }
        if spare > 0, flexTotal > 0 {
            var given = 0
            for (k, i) in shown.enumerated() where columns[i].flex > 0 {
                let extra = spare * columns[i].flex / flexTotal
                widths[k] += extra
                given += extra
            }
            spare -= given
            if let k = shown.lastIndex(where: { columns[$0].flex > 0 }), let pos = shown.firstIndex(of: k) {
                widths[pos] += spare
            }
        } else if spare < 0 {
            // Even the must-show columns do not fit: shrink the widest.
            while spare < 0, let k = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[k] > 3 {
                widths[k] -= 1
                spare += 1
            }
        }
        return zip(shown, widths).map { ($0, $1) }
    }

    /// One table line: cells fitted to their widths, one space apart.
    public static func line(_ cells: [String], layout: [(index: Int, width: Int)], columns: [Column],
                            ellipsis: String) -> String {
        var s = ""
        for (k, col) in layout.enumerated() {
            if k > 0 { s += " " }
            s += TextWidth.fit(cells[col.index], col.width, right: columns[col.index].alignRight, ellipsis: ellipsis)
        }
        return s
    }
}
