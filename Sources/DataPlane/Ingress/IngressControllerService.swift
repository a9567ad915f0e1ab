import ClusterModel
import ControlPlane

/// How the controller is exposed, the way ingress-nginx is installed: a selector-less Service of
/// type LoadBalancer `switchboard-system/ingress-nginx-controller` (ports http 80, https 443)
/// gets an address from the pool; the engine reads it and starts the controller there, and an
/// IngressClass `switchboard` (the cluster default) names this controller. The Service carries
/// `switchboard.dev/served-by: ingress-controller` so the L4 proxy can leave its address alone.
public enum IngressControllerService {
    public static let namespace = "switchboard-system"
    public static let name = "ingress-nginx-controller"
    public static let className = "switchboard"
    public static let servedByAnnotation = (key: "switchboard.dev/served-by", value: "ingress-controller")

    /// The objects to create (idempotently) before starting the controller. `defaultClass`
    /// marks the IngressClass as the cluster default, so Ingresses without a class are served.
    public static func objects(controllerName: String = "switchboard.dev/ingress-controller",
                               defaultClass: Bool = true) -> [APIObject] {
        let svc = Service(metadata: ObjectMeta(name: name, namespace: namespace,
                                               labels: ["app.kubernetes.io/name": "ingress-nginx",
                                                        "app.kubernetes.io/component": "controller"],
                                               annotations: [servedByAnnotation.key: servedByAnnotation.value]),
                          spec: ServiceSpec(type: ServiceType.loadBalancer, selector: nil, ports: [
                              ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .string("http")),
                              ServicePort(name: "https", protocol: "TCP", port: 443, targetPort: .string("https")),
                          ]))
        let cls = IngressClass(metadata: ObjectMeta(name: className, annotations: defaultClass
                                                        ? [IngressClassSelection.defaultClassAnnotation: "true"] : nil),
                               spec: IngressClassSpec(controller: controllerName))
        return [.namespace(Namespace(metadata: ObjectMeta(name: namespace))), .service(svc), .ingressClass(cls)]
    }

    /// The LoadBalancer address the control loop gave the controller Service, once it has one.
    public static func address(in store: ObjectStore) -> String? {
        store.get(Service.self, namespace: namespace, name: name)?.status?.loadBalancer?.ingress?.first?.ip
    }
}
