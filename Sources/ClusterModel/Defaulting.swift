/// API-server defaulting (`SetDefaults_*` plus the registry's own), applied before validation.
/// Idempotent: applying it to an already defaulted object changes nothing, so stored objects
/// can be re-defaulted freely. Per-kind rules live in `Validation/*Defaults.swift`.
public enum Defaulting {
    /// Fills in what the API server would, so validation and controllers see the stored form.
    public static func apply(_ object: inout APIObject) {
        switch object {
        case .namespace(var o): applyNamespace(&o); object = .namespace(o)
        case .pod(var o): applyPod(&o); object = .pod(o)
        case .service(var o): applyService(&o); object = .service(o)
        case .endpoints(var o): applyEndpoints(&o); object = .endpoints(o)
        case .endpointSlice(var o): applyEndpointSlice(&o); object = .endpointSlice(o)
        case .ingressClass(var o): applyIngressClass(&o); object = .ingressClass(o)
        case .secret(var o): applySecret(&o); object = .secret(o)
        case .deployment(var o): applyDeployment(&o); object = .deployment(o)
        case .node, .ingress, .event: break  // networking/v1 Ingress has no defaults (pathType is required)
        }
    }
}
