import Foundation
import ClusterModel

/// One HTTP request, decoupled from NIO so the API logic is plain functions over values.
struct APIRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var accept: String?
    var contentType: String?
    var body: [UInt8]

    init(method: String, uri: String, accept: String?, contentType: String?, body: [UInt8]) {
        self.method = method
        let (path, query) = Self.split(uri)
        self.path = path
        self.query = query
        self.accept = accept
        self.contentType = contentType
        self.body = body
    }

    /// `application/json` of `application/json; charset=utf-8`.
    var mediaType: String {
        guard let contentType else { return "" }
        return MediaRange.parse(contentType)?.mediaType ?? contentType.lowercased()
    }

    var isWatch: Bool { method == "GET" && ["true", "1"].contains(query["watch"] ?? "") }

    var dryRun: Bool { query["dryRun"] == "All" }

    /// Path and decoded query (first value of each key, as `url.Values.Get`).
    static func split(_ uri: String) -> (String, [String: String]) {
        guard let q = uri.firstIndex(of: "?") else { return (percentDecode(uri, plus: false), [:]) }
        var params: [String: String] = [:]
        for pair in uri[uri.index(after: q)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(kv[0]), plus: true)
            if params[key] == nil { params[key] = kv.count > 1 ? percentDecode(String(kv[1]), plus: true) : "" }
        }
        return (percentDecode(String(uri[..<q]), plus: false), params)
    }

    static func percentDecode(_ s: String, plus: Bool) -> String {
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

/// One HTTP response.
struct APIResponse: Sendable {
    var code: Int
    var contentType: String
    var body: [UInt8]
    var headers: [(String, String)] = []

    static func json(_ value: JSONValue, code: Int = 200, contentType: String = "application/json") -> APIResponse {
        var body = JSONText.bytes(value)
        body.append(10)
        return APIResponse(code: code, contentType: contentType, body: body)
    }

    static func error(_ e: APIError) -> APIResponse { json(e.status, code: e.code) }

    static func text(_ s: String, code: Int = 200, contentType: String = "text/plain; charset=utf-8") -> APIResponse {
        APIResponse(code: code, contentType: contentType, body: Array(s.utf8))
    }

    /// Adds `Warning: 299 - "…"` headers, which kubectl prints as `Warning: …`.
    func warning(_ messages: [String]) -> APIResponse {
        var r = self
        for m in messages { r.headers.append(("Warning", "299 - \"\(m.replacingOccurrences(of: "\"", with: "'"))\"")) }
        return r
    }
}
