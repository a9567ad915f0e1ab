import ClusterModel
import Foundation
import NIOHTTP1
import Telemetry

/// The dashboard's actions as API writes, so an attached dashboard goes through the same
/// admission and validation as `kubectl`: merge patches of the fields each action owns, the
/// `deployments/scale` subresource, a background delete. A refusal carries the API server's
/// own message (`Error from server (Invalid): …`).
public struct APIClusterActions: ClusterActions {
    public let client: KubeClient

    public init(client: KubeClient) { self.client = client }

    public func perform(_ action: ClusterAction) async -> ActionOutcome {
        do throws(KubeClientError) {
            try await apply(action)
            return .applied(action.summary)
        } catch {
            return .refused(error.description)
        }
    }

    private func apply(_ action: ClusterAction) async throws(KubeClientError) {
        switch action {
        case let .setServiceSelector(ref, selector):
            // A merge patch merges maps: keys the new selector drops must be sent as null.
            let current = try await client.get(Service.self, namespace: ref.namespace, name: ref.name)
            let patch = Self.replacingMap(current.spec.selector ?? [:], with: selector)
            try await client.patch(.services, namespace: ref.namespace, name: ref.name,
                                   mergePatch: .object(["spec": .object(["selector": patch])]))
        case let .setPodLabels(ref, labels):
            let current = try await client.get(Pod.self, namespace: ref.namespace, name: ref.name)
            let patch = Self.replacingMap(current.metadata.labels ?? [:], with: labels)
            try await client.patch(.pods, namespace: ref.namespace, name: ref.name,
                                   mergePatch: .object(["metadata": .object(["labels": patch])]))
        case let .scaleDeployment(ref, replicas):
            let scale: JSONValue = .object(["spec": .object(["replicas": .int(replicas)])])
            do {
                try await client.patch(.deployments, namespace: ref.namespace, name: ref.name, mergePatch: scale,
                                       subresource: "scale")
            } catch where error.statusCode == 404 || error.statusCode == 405 {
                // A server without the scale subresource: patch spec.replicas itself.
                try await client.patch(.deployments, namespace: ref.namespace, name: ref.name, mergePatch: scale)
            }
        case let .deletePod(ref):
            try await client.delete(.pods, namespace: ref.namespace, name: ref.name)
        case let .setPodReady(ref, ready):
            let pod = try await client.get(Pod.self, namespace: ref.namespace, name: ref.name)
            let conditions = Self.setting("Ready", ready, in: (pod.status?.conditions ?? []).map(JSONValue.from))
            try await client.patch(.pods, namespace: ref.namespace, name: ref.name,
                                   mergePatch: .object(["status": .object(["conditions": .array(conditions)])]),
                                   subresource: "status")
        case let .cordonNode(name, cordoned):
            // `kubectl uncordon` removes the field rather than writing false.
            try await client.patch(.nodes, namespace: nil, name: name,
                                   mergePatch: .object(["spec": .object(["unschedulable": cordoned ? .bool(true) : .null])]))
        case let .setNodeReady(name, ready):
            let node = try await client.get(Node.self, namespace: nil, name: name)
            let conditions = Self.setting("Ready", ready, in: (node.status?.conditions ?? []).map(JSONValue.from))
            try await client.patch(.nodes, namespace: nil, name: name,
                                   mergePatch: .object(["status": .object(["conditions": .array(conditions)])]),
                                   subresource: "status")
        case let .setSessionAffinity(ref, clientIP):
            // The API server forbids sessionAffinityConfig with None.
            let spec: [String: JSONValue] = clientIP ? ["sessionAffinity": .string("ClientIP")]
                : ["sessionAffinity": .string("None"), "sessionAffinityConfig": .null]
            try await client.patch(.services, namespace: ref.namespace, name: ref.name, mergePatch: .object(["spec": .object(spec)]))
        case let .setExternalTrafficPolicy(ref, local):
            // Cluster policy has no health check node port; Local gets one allocated.
            let spec: [String: JSONValue] = local ? ["externalTrafficPolicy": .string("Local")]
                : ["externalTrafficPolicy": .string("Cluster"), "healthCheckNodePort": .null]
            try await client.patch(.services, namespace: ref.namespace, name: ref.name, mergePatch: .object(["spec": .object(spec)]))
        }
    }

    public func podLog(_ pod: ObjectRef, tailLines: Int) async -> Result<[String], ActionRefusal> {
        let path = KubeClient.path(.pods, namespace: pod.namespace, name: pod.name, subresource: "log") + "?tailLines=\(tailLines)"
        do throws(KubeClientError) {
            let (status, body) = try await client.transport.send(method: .GET, path: path)
            guard (200..<300).contains(status) else {
                throw KubeClient.statusError(status, body, server: client.serverName)
            }
            let text = String(decoding: body, as: UTF8.self)
            return .success(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty })
        } catch {
            return .failure(ActionRefusal(error.description))
        }
    }

    /// A merge patch that turns `old` into `new`: changed keys with their value, dropped keys null.
    static func replacingMap(_ old: [String: String], with new: [String: String]) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for key in old.keys where new[key] == nil { out[key] = .null }
        for (k, v) in new { out[k] = .string(v) }
        return .object(out)
    }

    /// The condition list with `type` set to True/False (added when missing).
    static func setting(_ type: String, _ value: Bool, in conditions: [JSONValue]) -> [JSONValue] {
        var out = conditions
        let status = JSONValue.string(value ? "True" : "False")
        if let i = out.firstIndex(where: { $0["type"]?.stringValue == type }), case .object(var c) = out[i] {
            c["status"] = status
            c["reason"] = .string("SwitchboardDashboard")
            out[i] = .object(c)
        } else {
            out.append(.object(["type": .string(type), "status": status, "reason": .string("SwitchboardDashboard")]))
        }
        return out
    }
}

extension JSONValue {
    /// Any Encodable as a JSON tree (for patches built from typed objects).
    static func from<T: Encodable>(_ value: T) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value), let v = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return .null
        }
        return v
    }
}
