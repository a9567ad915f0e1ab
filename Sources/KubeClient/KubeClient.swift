import ClusterModel

/// A Kubernetes API client for attached dashboards (list + watch, patch), over plain HTTP on
/// loopback or TLS with a bearer token or client certificate from a kubeconfig.
public enum KubeClientInfo {
    public static let userAgent = "switchboard"
}
