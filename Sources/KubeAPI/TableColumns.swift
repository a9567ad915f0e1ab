import ClusterModel

/// The columns of `kubectl get` for each kind, as k/k `pkg/printers/internalversion/printers.go`
/// defines them. Priority 1 columns are the ones `-o wide` adds.
struct TableColumn: Sendable {
    var name: String
    var type: String = "string"
    var format: String = ""
    var priority: Int = 0
    var description: String = ""

    var json: JSONValue {
        .object(["name": .string(name), "type": .string(type), "format": .string(format),
                 "description": .string(description.isEmpty ? name : description), "priority": .int(priority)])
    }

    static func name(_ what: String) -> TableColumn {
        TableColumn(name: "Name", format: "name",
                    description: "Name must be unique within a namespace. \(what)")
    }

    static let age = TableColumn(name: "Age",
                                 description: "CreationTimestamp is a timestamp representing the server time when this object was created.")

    static func wide(_ name: String, type: String = "string") -> TableColumn {
        TableColumn(name: name, type: type, priority: 1)
    }

    static func of(_ kind: ResourceKind) -> [TableColumn] {
        let n = name("Cannot be updated.")
        switch kind {
        case .pods:
            return [n, TableColumn(name: "Ready", description: "The aggregate readiness state of this pod for accepting traffic."),
                    TableColumn(name: "Status", description: "The aggregate status of the containers in this pod."),
                    TableColumn(name: "Restarts", description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
                    age, wide("IP"), wide("Node"), wide("Nominated Node"), wide("Readiness Gates")]
        case .services:
            return [n, TableColumn(name: "Type"), TableColumn(name: "Cluster-IP"), TableColumn(name: "External-IP"),
                    TableColumn(name: "Port(s)"), age, wide("Selector")]
        case .endpoints:
            return [n, TableColumn(name: "Endpoints"), age]
        case .endpointSlices:
            return [n, TableColumn(name: "AddressType"), TableColumn(name: "Ports"), TableColumn(name: "Endpoints"), age]
        case .ingresses:
            return [n, TableColumn(name: "Class"), TableColumn(name: "Hosts"), TableColumn(name: "Address"),
                    TableColumn(name: "Ports"), age]
        case .ingressClasses:
            return [n, TableColumn(name: "Controller"), TableColumn(name: "Parameters"), age]
        case .secrets:
            return [n, TableColumn(name: "Type"), TableColumn(name: "Data", type: "string"), age]
        case .nodes:
            return [n, TableColumn(name: "Status"), TableColumn(name: "Roles"), age, TableColumn(name: "Version"),
                    wide("Internal-IP"), wide("External-IP"), wide("OS-Image"), wide("Kernel-Version"),
                    wide("Container-Runtime")]
        case .namespaces:
            return [n, TableColumn(name: "Status"), age]
        case .deployments:
            return [n, TableColumn(name: "Ready"), TableColumn(name: "Up-to-date", type: "string"),
                    TableColumn(name: "Available", type: "string"), age, wide("Containers"), wide("Images"), wide("Selector")]
        case .events:
            return [TableColumn(name: "Last Seen"), TableColumn(name: "Type"), TableColumn(name: "Reason"),
                    TableColumn(name: "Object"), wide("Subobject"), wide("Source"), TableColumn(name: "Message"),
                    wide("First Seen"), wide("Count"), TableColumn(name: "Name", format: "name", priority: 1)]
        }
    }
}
