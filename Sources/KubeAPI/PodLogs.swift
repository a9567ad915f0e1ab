import ClusterModel
import ControlPlane
import Foundation

/// `GET pods/{name}/log`: the container's retained output from the pod runtime, with kubectl's
/// options `container`, `tailLines`, `limitBytes`; `follow=true` is streamed by the connection.
extension APIHandler {
    struct LogPlan: Sendable {
        var pod: ObjectKey
        var container: String
        var tailLines: Int?
        var limitBytes: Int?
        var follow: Bool
    }

    func logPlan(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> LogPlan {
        guard case .pod(let pod) = try live(route) else { throw APIError.pathNotFound }
        let names = pod.spec.containers.map(\.name)
        let container: String
        if let asked = request.query["container"], !asked.isEmpty {
            guard names.contains(asked) || (pod.spec.initContainers ?? []).contains(where: { $0.name == asked }) else {
                throw APIError.badRequest("container \(asked) is not valid for pod \(pod.name)")
            }
            container = asked
        } else {
            guard names.count == 1 else {
                throw APIError.badRequest("a container name must be specified for pod \(pod.name), choose one of: [\(names.joined(separator: " "))]")
            }
            container = names[0]
        }
        guard config.podLogs != nil else {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "pod logs are not available: no pod runtime is attached")
        }
        return LogPlan(pod: pod.key, container: container, tailLines: request.query["tailLines"].flatMap { Int($0) },
                       limitBytes: request.query["limitBytes"].flatMap { Int($0) },
                       follow: ["true", "1"].contains(request.query["follow"] ?? ""))
    }

    /// The log text as the options select it (the last `tailLines` lines, at most `limitBytes`).
    func logText(_ plan: LogPlan) -> String {
        var text = config.podLogs?(plan.pod, plan.container) ?? ""
        if let tail = plan.tailLines, tail >= 0 {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last == "" { lines.removeLast() }
            text = lines.suffix(tail).map { $0 + "\n" }.joined()
        }
        if let limit = plan.limitBytes, limit >= 0, text.utf8.count > limit {
            text = String(decoding: text.utf8.prefix(limit), as: UTF8.self)
        }
        return text
    }

    func logs(_ request: APIRequest, _ route: ResourceRoute) throws(APIError) -> APIResponse {
        .text(logText(try logPlan(request, route)))
    }

    /// A follow request's plan, when `request` is one.
    func followPlan(_ request: APIRequest) throws(APIError) -> LogPlan? {
        guard request.method == "GET", ["true", "1"].contains(request.query["follow"] ?? ""),
              request.path.hasSuffix("/log"), request.path.hasPrefix("/api/v1/") else { return nil }
        let segments = request.path.split(separator: "/").dropFirst(2).map(String.init)
        guard let route = ResourceRoute.parse(group: "", version: "v1", segments: segments),
              route.kind == .pods, route.subresource == "log" else { return nil }
        return try logPlan(request, route)
    }

    /// What a follower has not seen yet: the new tail when `sent` is still a prefix, else what
    /// follows the last lines sent (the runtime's ring dropped older lines meanwhile).
    static func logDelta(sent: String, now: String) -> String {
        if now.hasPrefix(sent) { return String(now.dropFirst(sent.count)) }
        let lines = sent.split(separator: "\n").map { $0 + "\n" }
        for count in stride(from: min(3, lines.count), through: 1, by: -1) {
            let anchor = lines.suffix(count).joined()
            var searchEnd = now.endIndex
            while let r = now.range(of: anchor, options: .backwards, range: now.startIndex..<searchEnd) {
                if r.lowerBound == now.startIndex || now[now.index(before: r.lowerBound)] == "\n" {
                    return String(now[r.upperBound...])
                }
                searchEnd = now.index(before: r.upperBound)
            }
        }
        return now
    }
}
