/// Terminal column widths of graphemes, so a pod name with CJK or an emoji does not push every
/// later column out of line. A compact wcwidth: combining marks and controls are 0, East Asian
/// wide/fullwidth and emoji presentation are 2, the rest 1.
public enum TextWidth {
    public static func of(_ c: Character) -> Int {
        guard let first = c.unicodeScalars.first else { return 0 }
        let v = first.value
        if v < 0x20 || (0x7f..<0xa0).contains(v) { return 0 }
        if v < 0x300 { return 1 }
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .enclosingMark {
            return 0
        }
        if isWide(v) { return 2 }
        if c.unicodeScalars.count > 1, c.unicodeScalars.contains(where: { $0.value == 0xfe0f }) { return 2 }
        return 1
    }

    public static func of(_ s: some StringProtocol) -> Int {
        var n = 0
        for c in s { n += of(c) }
        return n
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115f, 0x2e80...0x303e, 0x3041...0x33ff, 0x3400...0x4dbf, 0x4e00...0x9fff,
             0xa000...0xa4cf, 0xac00...0xd7a3, 0xf900...0xfaff, 0xfe30...0xfe4f, 0xff00...0xff60,
             0xffe0...0xffe6, 0x1f300...0x1f64f, 0x1f900...0x1f9ff, 0x20000...0x3fffd:
            return true
        default:
            return false
        }
    }

    /// `s` cut to at most `width` columns, ending in `ellipsis` when cut.
    public static func truncate(_ s: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if s.utf8.count <= width, s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return s }
        if of(s) <= width { return s }
        let room = width - of(ellipsis)
        var out = ""
        var used = 0
        for c in s {
            let w = of(c)
            if used + w > room { break }
            out.append(c)
            used += w
        }
        return room >= 0 ? out + ellipsis : String(ellipsis.prefix(width))
    }

    /// Left- or right-aligned in exactly `width` columns (cut with `ellipsis` when longer).
    public static func fit(_ s: String, _ width: Int, right: Bool = false, ellipsis: String = "…") -> String {
        let t = truncate(s, to: width, ellipsis: ellipsis)
        let pad = max(0, width - of(t))
        let spaces = String(repeating: " ", count: pad)
        return right ? spaces + t : t + spaces
    }
}
