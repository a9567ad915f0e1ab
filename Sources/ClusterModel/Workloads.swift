/// apps/v1 Deployment: replicas of a pod template; the control loop turns it into pods directly
/// (no ReplicaSet objects), naming them `<deployment>-<template hash>-<suffix>` as Kubernetes does.
public struct Deployment: KubeObject {
    public static let resource = ResourceKind.deployments
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: DeploymentSpec
    public var status: DeploymentStatus?

    public init(metadata: ObjectMeta, spec: DeploymentSpec, status: DeploymentStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct DeploymentSpec: Codable, Hashable, Sendable {
    public var replicas: Int?
    public var selector: LabelSelector?
    public var template: PodTemplateSpec
    public var strategy: JSONValue?
    public var minReadySeconds: Int?
    public var revisionHistoryLimit: Int?
    public var progressDeadlineSeconds: Int?
    public var paused: Bool?

    public init(replicas: Int?, selector: LabelSelector?, template: PodTemplateSpec) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
    }
}

public struct PodTemplateSpec: Codable, Hashable, Sendable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec
    public init(metadata: ObjectMeta?, spec: PodSpec) {
        self.metadata = metadata
        self.spec = spec
    }
}

public struct DeploymentStatus: Codable, Hashable, Sendable {
    public var observedGeneration: Int?
    public var replicas: Int?
    public var updatedReplicas: Int?
    public var readyReplicas: Int?
    public var availableReplicas: Int?
    public var unavailableReplicas: Int?
    public init() {}
}

/// core/v1 Secret. `data` values are base64 as on the wire; `stringData` is folded into `data`
/// by defaulting, as the API server does on write.
public struct Secret: KubeObject {
    public static let resource = ResourceKind.secrets
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var type: String?
    public var data: [String: String]?
    public var stringData: [String: String]?
    public var immutable: Bool?

    public init(metadata: ObjectMeta, type: String? = nil, data: [String: String]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.type = type
        self.data = data
    }
}

/// core/v1 Node. Switchboard's nodes are loopback addresses (127.0.10.0/24 by default).
public struct Node: KubeObject {
    public static let resource = ResourceKind.nodes
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: NodeSpec?
    public var status: NodeStatus?

    public init(metadata: ObjectMeta, spec: NodeSpec? = nil, status: NodeStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct NodeSpec: Codable, Hashable, Sendable {
    public var unschedulable: Bool?
    public var podCIDR: String?
    public var podCIDRs: [String]?
    public var taints: [JSONValue]?
    public init(unschedulable: Bool? = nil, podCIDR: String? = nil) {
        self.unschedulable = unschedulable
        self.podCIDR = podCIDR
        self.podCIDRs = podCIDR.map { [$0] }
    }
}

public struct NodeStatus: Codable, Hashable, Sendable {
    public var addresses: [NodeAddress]?
    public var conditions: [Condition]?
    public init(addresses: [NodeAddress]? = nil, conditions: [Condition]? = nil) {
        self.addresses = addresses
        self.conditions = conditions
    }
}

public struct NodeAddress: Codable, Hashable, Sendable {
    public var type: String
    public var address: String
    public init(type: String, address: String) {
        self.type = type
        self.address = address
    }
}

extension Node {
    public var isReady: Bool { status?.conditions?.first(where: { $0.type == "Ready" })?.status == "True" }
    public var isSchedulable: Bool { isReady && spec?.unschedulable != true }
    public var internalIP: String? { status?.addresses?.first(where: { $0.type == "InternalIP" })?.address }
}

/// core/v1 Namespace (cluster-scoped).
public struct Namespace: KubeObject {
    public static let resource = ResourceKind.namespaces
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: NamespaceStatus?

    public init(metadata: ObjectMeta) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.status = NamespaceStatus(phase: "Active")
    }
}

public struct NamespaceStatus: Codable, Hashable, Sendable {
    public var phase: String?
    public init(phase: String?) { self.phase = phase }
}

/// core/v1 Event: what the control loop did, shown in the events pane and in recordings.
public struct Event: KubeObject {
    public static let resource = ResourceKind.events
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference
    public var reason: String?
    public var message: String?
    public var type: String?
    public var count: Int?
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var source: EventSource?
    public var reportingComponent: String?

    public init(metadata: ObjectMeta, involvedObject: ObjectReference, reason: String, message: String,
                type: String = "Normal", timestamp: String, component: String) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
        self.count = 1
        self.firstTimestamp = timestamp
        self.lastTimestamp = timestamp
        self.source = EventSource(component: component)
        self.reportingComponent = component
    }
}

public struct EventSource: Codable, Hashable, Sendable {
    public var component: String?
    public var host: String?
    public init(component: String?, host: String? = nil) {
        self.component = component
        self.host = host
    }
}
