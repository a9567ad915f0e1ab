/// Snapshot form of a canvas: its text, then per row the style runs under a theme, so a test
/// fixture shows both what is written and how it looks (colour or monochrome) in reviewable text.
extension Canvas {
    public func dump(theme: Theme) -> String {
        var legend: [Style: Character] = [:]
        var order: [Style] = []
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var styleRows: [String] = []
        for y in 0..<height {
            var row = ""
            for x in 0..<width {
                let cell = self[x, y]
                if cell.isContinuation { continue }
                let style = theme.style(cell.role)
                if legend[style] == nil {
                    legend[style] = letters[min(order.count, letters.count - 1)]
                    order.append(style)
                }
                row.append(legend[style]!)
            }
            styleRows.append(row)
        }
        var out = "canvas \(width)x\(height) theme \(theme.name)\n"
        out += (0..<height).map { "|" + line($0) + "|" }.joined(separator: "\n")
        out += "\nstyles:\n"
        out += order.map { "\(legend[$0]!) \($0.notation)" }.joined(separator: "\n")
        out += "\n" + styleRows.joined(separator: "\n") + "\n"
        return out
    }
}
