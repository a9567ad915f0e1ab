/// Entry point of create-time validation, run after `Defaulting.apply`. Returns every error, as
/// the API server does, so a user fixes a manifest in one pass. Rules and messages are ported
/// from k/k `pkg/apis/core/validation`, `pkg/apis/networking/validation`, apps and discovery
/// validation, and apimachinery's object-meta and name rules; per-kind entry points live in
/// `Validation/`.
public enum Validation {
    /// Create-time validation of any kind; dispatches to the per-kind validator.
    public static func validate(_ object: APIObject) -> [FieldError] {
        switch object {
        case .namespace(let o): validateNamespace(o)
        case .node(let o): validateNode(o)
        case .pod(let o): validatePod(o)
        case .service(let o): validateService(o)
        case .endpoints(let o): validateEndpoints(o)
        case .endpointSlice(let o): validateEndpointSlice(o)
        case .ingress(let o): validateIngress(o)
        case .ingressClass(let o): validateIngressClass(o)
        case .secret(let o): validateSecret(o)
        case .deployment(let o): validateDeployment(o)
        case .event(let o): validateEvent(o)
        }
    }

    /// Update validation: immutable fields first, then the new object as on create. Both objects
    /// are expected post-defaulting (for Services, after `Defaulting.patchAllocatedValues`).
    public static func validateUpdate(old: APIObject, new: APIObject) -> [FieldError] {
        switch (old, new) {
        case (.service(let o), .service(let n)): validateServiceUpdate(new: n, old: o)
        case (.ingress(let o), .ingress(let n)): validateIngressUpdate(new: n, old: o)
        case (.ingressClass(let o), .ingressClass(let n)): validateIngressClassUpdate(new: n, old: o)
        case (.secret(let o), .secret(let n)): validateSecretUpdate(new: n, old: o)
        case (.deployment(let o), .deployment(let n)): validateDeploymentUpdate(new: n, old: o)
        case (.endpointSlice(let o), .endpointSlice(let n)): validateEndpointSliceUpdate(new: n, old: o)
        case (.pod(let o), .pod(let n)): validatePodUpdate(new: n, old: o)
        default:
            if old.resource != new.resource {
                [.forbidden("kind", "may not be changed from \(old.resource.kind) to \(new.resource.kind)")]
            } else {
                validateObjectMetaUpdate(new: new.metadata, old: old.metadata) + validate(new)
            }
        }
    }
}
