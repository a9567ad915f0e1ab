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
        let (path, query) = URLQuery.parse(uri, decodePath: true)
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

    /// Adds `Warning: 299 - "…"` headers, which kubectl prints as `Warning: …`. The text is an
    /// HTTP quoted-string (RFC 9110: `"` and `\` escaped), as kube-apiserver writes it, so
    /// clients print the message verbatim.
    func warning(_ messages: [String]) -> APIResponse {
        var r = self
        for m in messages {
            let quoted = m.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .filter { $0 != "\n" && $0 != "\r" }
            r.headers.append(("Warning", "299 - \"\(quoted)\""))
        }
        return r
    }
}
