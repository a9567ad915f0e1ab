import ClusterModel

/// Which Ingresses belong to this controller, by the IngressClass rules of networking.k8s.io/v1:
/// those whose `ingressClassName` (or the deprecated `kubernetes.io/ingress.class` annotation)
/// names an IngressClass whose `spec.controller` is ours; those without a class when one of our
/// classes is the cluster default (`ingressclass.kubernetes.io/is-default-class: "true"`) or when
/// the controller is told to watch class-less Ingresses. Everything else is left alone —
/// conformance requires that an unknown class gets neither traffic nor an address.
public struct IngressClassSelection: Hashable, Sendable {
    public static let defaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class"
    public static let legacyClassAnnotation = "kubernetes.io/ingress.class"

    /// Names of the IngressClasses whose controller is ours.
    public var ownedClasses: Set<String>
    /// Whether Ingresses without a class are ours.
    public var servesClassless: Bool

    public init(classes: [IngressClass], controllerName: String, watchWithoutClass: Bool = false) {
        let ours = classes.filter { $0.spec?.controller == controllerName }
        ownedClasses = Set(ours.map(\.name))
        servesClassless = watchWithoutClass
            || ours.contains { $0.metadata.annotations?[Self.defaultClassAnnotation] == "true" }
    }

    public func serves(_ ingress: Ingress) -> Bool {
        let named = ingress.spec?.ingressClassName.flatMap { $0.isEmpty ? nil : $0 }
            ?? ingress.metadata.annotations?[Self.legacyClassAnnotation].flatMap { $0.isEmpty ? nil : $0 }
        guard let named else { return servesClassless }
        return ownedClasses.contains(named)
    }
}
