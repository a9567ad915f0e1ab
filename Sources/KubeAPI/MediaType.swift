/// One entry of an `Accept` or `Content-Type` header: `application/json;g=meta.k8s.io;v=v1;as=Table`.
/// The API server's content negotiation is driven by these parameters, so they are parsed, not
/// substring-matched: `v=v2` must not match `v=v2beta1` (which hid every resource from kubectl
/// 1.27–1.29 when a test server got it wrong).
struct MediaRange: Equatable, Sendable {
    var type: String
    var subtype: String
    var parameters: [String: String]
    var quality: Double

    var mediaType: String { "\(type)/\(subtype)" }

    /// `application/json`, `application/*` and `*/*` all accept a JSON answer.
    var acceptsJSON: Bool {
        (type == "application" || type == "*") && (subtype == "json" || subtype == "*")
    }

    static func parse(_ text: String) -> MediaRange? {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let full = parts.first?.trimmingSpaces.lowercased(), !full.isEmpty else { return nil }
        let ts = full.split(separator: "/", maxSplits: 1)
        guard ts.count == 2 else { return nil }
        var params: [String: String] = [:]
        var quality = 1.0
        for p in parts.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            let key = kv[0].trimmingSpaces.lowercased()
            var value = kv[1].trimmingSpaces
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if key == "q" { quality = Double(value) ?? 1 } else { params[key] = value }
        }
        return MediaRange(type: String(ts[0]), subtype: String(ts[1]), parameters: params, quality: quality)
    }

    /// The ranges of an `Accept` header, most preferred first (by q, then by order given).
    static func parseList(_ header: String?) -> [MediaRange] {
        guard let header, !header.isEmpty else { return [] }
        let ranges = header.split(separator: ",").compactMap { parse(String($0)) }.filter { $0.quality > 0 }
        return ranges.enumerated().sorted { a, b in
            a.element.quality != b.element.quality ? a.element.quality > b.element.quality : a.offset < b.offset
        }.map(\.element)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// Which discovery document a client asked for.
enum DiscoveryFormat: Equatable, Sendable {
    case aggregated(version: String)  // "v2" or "v2beta1"
    case legacy

    static let served = ["v2", "v2beta1"]

    init(accept: String?) {
        for range in MediaRange.parseList(accept) where range.acceptsJSON {
            if let g = range.parameters["g"] {
                guard g == "apidiscovery.k8s.io", range.parameters["as"] == "APIGroupDiscoveryList",
                      let v = range.parameters["v"], Self.served.contains(v) else { continue }
                self = .aggregated(version: v)
                return
            }
            if range.parameters["as"] == nil {
                self = .legacy
                return
            }
        }
        self = .legacy
    }

    var contentType: String {
        switch self {
        case .aggregated(let v): "application/json;g=apidiscovery.k8s.io;v=\(v);as=APIGroupDiscoveryList"
        case .legacy: "application/json"
        }
    }
}

/// How an object or list is rendered: itself, a server-side printed Table, or metadata only.
enum OutputFormat: Equatable, Sendable {
    case object
    case table(version: String)  // meta.k8s.io v1 or v1beta1
    case partialMetadata(version: String)

    init(accept: String?) {
        for range in MediaRange.parseList(accept) {
            let isJSONish = range.acceptsJSON || range.mediaType == "application/yaml"
            if range.mediaType == "application/vnd.kubernetes.protobuf" { continue }
            guard isJSONish else { continue }
            switch range.parameters["as"] {
            case nil:
                self = .object
                return
            case "Table"?:
                guard range.parameters["g"] == "meta.k8s.io", let v = range.parameters["v"], ["v1", "v1beta1"].contains(v)
                else { continue }
                self = .table(version: v)
                return
            case "PartialObjectMetadata"?, "PartialObjectMetadataList"?:
                guard range.parameters["g"] == "meta.k8s.io", let v = range.parameters["v"], ["v1", "v1beta1"].contains(v)
                else { continue }
                self = .partialMetadata(version: v)
                return
            default:
                continue
            }
        }
        self = .object
    }
}
