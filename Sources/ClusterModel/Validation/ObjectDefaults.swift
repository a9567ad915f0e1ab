import Foundation

/// Defaults for the remaining kinds: Secret (`SetDefaults_Secret` plus the v1 conversion that
/// folds `stringData` into `data`), Deployment (apps/v1), Endpoints, EndpointSlice (discovery/v1),
/// Namespace and IngressClass.
extension Defaulting {
    /// `stringData` is a write-only convenience; consumers read only `data`.
    public static func applySecret(_ secret: inout Secret) {
        if (secret.type ?? "").isEmpty { secret.type = "Opaque" }
        if let stringData = secret.stringData {
            var data = secret.data ?? [:]
            // stringData wins over data for the same key; it is write-only, so it is dropped.
            for (k, v) in stringData { data[k] = Data(v.utf8).base64EncodedString() }
            secret.data = data
            secret.stringData = nil
        }
    }

    /// apps/v1 `SetDefaults_Deployment` (replicas 1, RollingUpdate 25%/25%, history 10,
    /// deadline 600s) plus the PodSpec defaults of its template.
    public static func applyDeployment(_ deployment: inout Deployment) {
        var spec = deployment.spec
        if spec.replicas == nil { spec.replicas = 1 }
        var strategy = spec.strategy?.objectValue ?? [:]
        if (strategy["type"]?.stringValue ?? "").isEmpty { strategy["type"] = .string("RollingUpdate") }
        if strategy["type"] == .string("RollingUpdate") {
            var rolling = strategy["rollingUpdate"]?.objectValue ?? [:]
            if rolling["maxUnavailable"] == nil || rolling["maxUnavailable"] == .null { rolling["maxUnavailable"] = .string("25%") }
            if rolling["maxSurge"] == nil || rolling["maxSurge"] == .null { rolling["maxSurge"] = .string("25%") }
            strategy["rollingUpdate"] = .object(rolling)
        }
        spec.strategy = .object(strategy)
        if spec.revisionHistoryLimit == nil { spec.revisionHistoryLimit = 10 }
        if spec.progressDeadlineSeconds == nil { spec.progressDeadlineSeconds = 600 }
        applyPodSpec(&spec.template.spec)
        deployment.spec = spec
    }

    /// `SetDefaults_Endpoints`: ports default to TCP so they compare equal to Service ports.
    public static func applyEndpoints(_ endpoints: inout Endpoints) {
        endpoints.subsets = endpoints.subsets?.map { subset in
            var subset = subset
            subset.ports = subset.ports?.map { p in
                var p = p
                if (p.protocol ?? "").isEmpty { p.protocol = "TCP" }
                return p
            }
            return subset
        }
    }

    /// discovery/v1 `SetDefaults_EndpointPort`: name "" and protocol TCP when unset.
    public static func applyEndpointSlice(_ slice: inout EndpointSlice) {
        slice.ports = slice.ports?.map { p in
            var p = p
            if p.name == nil { p.name = "" }
            if p.protocol == nil { p.protocol = "TCP" }
            return p
        }
    }

    /// `SetDefaults_Namespace`: the immutable `kubernetes.io/metadata.name` label lets
    /// namespace selectors pick a namespace by name.
    public static func applyNamespace(_ namespace: inout Namespace) {
        if let name = namespace.metadata.name, !name.isEmpty {
            namespace.metadata.labels = (namespace.metadata.labels ?? [:]).merging(["kubernetes.io/metadata.name": name]) { _, new in new }
        }
        if namespace.status == nil { namespace.status = NamespaceStatus(phase: nil) }
        if (namespace.status?.phase ?? "").isEmpty { namespace.status?.phase = "Active" }
    }

    /// networking/v1 `SetDefaults_IngressClass`: parameters default to cluster scope.
    public static func applyIngressClass(_ ingressClass: inout IngressClass) {
        if case .object(var params)? = ingressClass.spec?.parameters, params["scope"] == nil {
            params["scope"] = .string("Cluster")
            ingressClass.spec?.parameters = .object(params)
        }
    }
}
