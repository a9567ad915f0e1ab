/// Request targets as Go's net/url reads them, for the servers that must answer like Go programs
/// (the API server's `?labelSelector=…`, agnhost's `?msg=…`): one decoder for all of them.
public enum URLQuery {
    /// `url.ParseQuery`: `&`-separated pairs, `+` is a space, `%XX` escapes; the first value of a
    /// key wins (as `url.Values.Get` / `r.FormValue` return). The path is percent-decoded only
    /// when asked (the API server routes on the decoded path; agnhost on the raw one).
    public static func parse(_ uri: String, decodePath: Bool) -> (path: String, params: [String: String]) {
        let q = uri.firstIndex(of: "?")
        let rawPath = String(uri[..<(q ?? uri.endIndex)])
        let path = decodePath ? percentDecode(rawPath, plus: false) : rawPath
        guard let q else { return (path, [:]) }
        var params: [String: String] = [:]
        for pair in uri[uri.index(after: q)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(kv[0]), plus: true)
            if params[key] == nil { params[key] = kv.count > 1 ? percentDecode(String(kv[1]), plus: true) : "" }
        }
        return (path, params)
    }

    /// `%XX` escapes (malformed ones kept as written), and `+` as a space in query components.
    public static func percentDecode(_ s: String, plus: Bool) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            case 97...102: c - 87
            default: nil
            }
        }
        while i < b.count {
            if plus, b[i] == UInt8(ascii: "+") {
                out.append(32)
            } else if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hex(b[i + 1]), let l = hex(b[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(b[i])
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
