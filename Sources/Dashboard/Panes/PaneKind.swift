/// The dashboard's views, named by k9s' command aliases.
public enum PaneKind: String, CaseIterable, Codable, Sendable, Hashable {
    case services = "svc"
    case endpoints = "ep"
    case ingress = "ing"
    case flow
    case pods
    case nodes
    case events
    case details
    /// client → Ingress → Service → Endpoint → pod, with rates on the edges.
    case topology = "topo"
    /// One pod from the inside: its environment, resolv.conf and log.
    case podDetails = "pd"

    /// What `:` accepts for each pane.
    public static func parse(_ command: String) -> PaneKind? {
        switch command.lowercased() {
        case "svc", "service", "services": .services
        case "ep", "endpoint", "endpoints", "eps", "endpointslices": .endpoints
        case "ing", "ingress", "ingresses": .ingress
        case "flow", "flows", "conn", "connections": .flow
        case "po", "pod", "pods": .pods
        case "no", "node", "nodes": .nodes
        case "ev", "event", "events": .events
        case "details", "describe", "d": .details
        case "topo", "topology", "xray", "map": .topology
        case "pod-details", "poddetails", "pd": .podDetails
        default: nil
        }
    }

    /// Panes Tab cycles through, in order (Details is reached by drilling down).
    public static let cycle: [PaneKind] = [.services, .endpoints, .ingress, .flow, .topology, .pods, .nodes, .events]

    public var title: String {
        switch self {
        case .services: "Services"
        case .endpoints: "Endpoints"
        case .ingress: "Ingress routes"
        case .flow: "Connection flow"
        case .pods: "Pods"
        case .nodes: "Nodes"
        case .events: "Events"
        case .details: "Details"
        case .topology: "Topology"
        case .podDetails: "Pod"
        }
    }

    /// The concept the pane shows, one sentence, for the help screen.
    public var concept: String {
        switch self {
        case .services:
            "A Service is a stable virtual IP and DNS name in front of the pods its selector matches; traffic to ip:port is spread over ready endpoints."
        case .endpoints:
            "Endpoints are the pod ip:port pairs behind a Service; only ready (or, when terminating, serving) ones get new connections."
        case .ingress:
            "An Ingress routes HTTP by Host header and path (Prefix, Exact) to a service:port, terminating TLS when configured."
        case .flow:
            "Each flow is one connection through the proxy: client, the VIP:port it dialled, the pod it reached, bytes, duration, outcome."
        case .pods:
            "Pods get their own IP on a node; they become endpoints of every Service whose selector matches their labels once Ready."
        case .nodes:
            "Nodes host pods (a /24 of the pod range each) and answer NodePort and LoadBalancer traffic on their own address."
        case .events:
            "Events record what the control loop did: pods scheduled, started, killed; endpoints changed; addresses allocated."
        case .details:
            "Details of one Service: its DNS names, the environment variables it gives pods, its endpoints, and why its VIP is not pingable."
        case .topology:
            "The path traffic takes: client to Ingress route to Service port to endpoint to pod, with the rate on each edge (:topo ns/name for one service)."
        case .podDetails:
            "One pod from the inside (Enter or d on a pod): the env vars it started with (services created before it, then its own), its resolv.conf, its log."
        }
    }
}
