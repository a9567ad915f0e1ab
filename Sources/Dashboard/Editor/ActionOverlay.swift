import Telemetry

/// Draws an open action prompt over a rendered frame: the editor as a panel above the footer
/// (text with its cursor, the error under its column, the preview), a confirmation or the
/// replica count in the footer. Drawn over the frame so the pane under it stays the pane's own.
public enum ActionOverlay {
    public static func draw(_ canvas: inout Canvas, prompt: ActionPrompt, cluster: ClusterView, options: RenderOptions) {
        let y = canvas.height - 1
        switch prompt {
        case .confirm(let action):
            footer(&canvas, y: y, text: action.summary.prefix(1).uppercased() + action.summary.dropFirst() + "?  y/n")
        case let .scale(ref, text):
            footer(&canvas, y: y, text: "scale deployment \(ref) to: \(text)_   (Enter applies, Esc cancels)")
        case .editor(let editor):
            drawEditor(&canvas, editor: editor, cluster: cluster, options: options)
        }
    }

    /// The action keys of the current pane, appended to the footer's key hints when they fit
    /// (so the verbs are discoverable without `?`). Nothing in `--read-only`.
    public static func drawHints(_ canvas: inout Canvas, pane: PaneKind, readOnly: Bool) {
        guard !readOnly else { return }
        let hints: [(String, String)] = switch pane {
        case .services: [("e", "edit"), ("a", "affinity"), ("x", "policy"), ("u", "undo")]
        case .pods: [("l", "labels"), ("K", "kill"), ("r", "ready"), ("+/-", "scale"), ("u", "undo")]
        case .nodes: [("c", "cordon"), ("F", "fail"), ("u", "undo")]
        default: []
        }
        let y = canvas.height - 1
        let line = canvas.line(y)
        var x = (line.lastIndex { $0 != " " }).map { line.distance(from: line.startIndex, to: $0) + 3 } ?? 0
        for (key, label) in hints {
            let text = " \(label)  "
            guard x + key.count + text.count <= canvas.width else { break }
            x += canvas.put(key, x: x, y: y, role: .key)
            x += canvas.put(text, x: x, y: y, role: .dim)
        }
    }

    private static func footer(_ canvas: inout Canvas, y: Int, text: String) {
        canvas.fill(" ", x: 0, y: y, count: canvas.width, role: .prompt)
        canvas.put(text, x: 0, y: y, role: .prompt)
    }

    /// The panel's lines below the text line, each with its role.
    public static func editorLines(_ editor: SelectorEditor, cluster: ClusterView, width: Int) -> [(String, Role)] {
        var lines: [(String, Role)] = []
        if let error = editor.error {
            let pad = error.offset.map { String(repeating: " ", count: min($0, max(0, width - 4)) + 2) + "^ " } ?? "  "
            lines.append((pad + error.message, .error))
            lines.append(("  nothing is applied until the text parses", .dim))
            return lines
        }
        guard let preview = editor.preview(in: cluster) else {
            lines.append(("  \(editor.target.ref) is not in the latest sample", .warn))
            return lines
        }
        lines.append(("  \(preview.matchTitle) (\(preview.matches.count)): "
                      + (preview.matches.isEmpty ? "none" : preview.matches.joined(separator: ", ")), .ok))
        lines.append(("  + " + (preview.added.isEmpty ? "no endpoints added" : preview.added.joined(separator: ", ")),
                      preview.added.isEmpty ? .dim : .added))
        lines.append(("  - " + (preview.removed.isEmpty ? "no endpoints removed" : preview.removed.joined(separator: ", ")),
                      preview.removed.isEmpty ? .dim : .deleted))
        if let note = preview.note { lines.append(("  " + note, .dim)) }
        return lines
    }

    static func drawEditor(_ canvas: inout Canvas, editor: SelectorEditor, cluster: ClusterView, options: RenderOptions) {
        let width = canvas.width
        let inner = width - 2
        let body = FrameRenderer.wrap(editorLines(editor, cluster: cluster, width: inner), width: inner - 1)
        let height = min(max(4, canvas.height - 3), body.count + 3)
        let top = canvas.height - 1 - height
        for row in top..<(top + height) { canvas.fill(" ", x: 0, y: row, count: width, role: .normal) }
        canvas.box(x: 0, y: top, width: width, height: height, glyphs: options.glyphs,
                   title: "Edit " + editor.target.title)
        // The text line, scrolled so the cursor stays visible, the cursor cell reversed.
        let chars = Array(editor.text)
        let room = max(4, inner - 4)
        let start = max(0, editor.line.cursor - room + 1)
        let shown = String(chars[min(start, chars.count)..<min(chars.count, start + room)])
        canvas.put("> ", x: 1, y: top + 1, role: .prompt)
        canvas.put(shown, x: 3, y: top + 1, role: .normal, maxWidth: room)
        let cursorX = 3 + editor.line.cursor - start
        let under = editor.line.cursor < chars.count ? String(chars[editor.line.cursor]) : " "
        canvas.put(under, x: cursorX, y: top + 1, role: .selected)
        for (i, line) in body.prefix(height - 3).enumerated() {
            var text = line.0
            if editor.error != nil, i == 0, start > 0, let caret = text.firstIndex(of: "^") {
                // Keep the caret under its column when the text is scrolled.
                let col = text.distance(from: text.startIndex, to: caret) - start
                text = String(repeating: " ", count: max(2, col)) + text[caret...]
            }
            canvas.put(text, x: 1, y: top + 2 + i, role: line.1, maxWidth: inner)
        }
        footer(&canvas, y: canvas.height - 1, text: options.ascii
               ? "Enter apply  Esc cancel  Left/Right Home End ^A ^E ^W ^U  Up/Down history"
               : "Enter apply  Esc cancel  ←/→ Home End ^A ^E ^W ^U  ↑/↓ history")
    }
}
