import Foundation

/// Container-level rules of k/k `validateContainers` / `validateInitContainers`: names, images,
/// ports (IANA port names, unlike Service ports), env var names, probes.
extension Validation {
    static let supportedFieldRefPaths = [
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
        "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ]

    static func validateContainers(_ containers: [Container], at path: FieldPath) -> [FieldError] {
        if containers.isEmpty { return [.required(path)] }
        var errs: [FieldError] = []
        var names = Set<String>()
        for (i, c) in containers.enumerated() {
            let p = path.index(i)
            errs += validateContainerCommon(c, &names, at: p)
            if c.restartPolicy != nil {
                errs.append(.forbidden(p.child("restartPolicy"), "may not be set for non-init containers"))
            }
            for (field, probe) in [("livenessProbe", c.livenessProbe), ("readinessProbe", c.readinessProbe),
                                   ("startupProbe", c.startupProbe)] {
                errs += validateProbe(probe, at: p.child(field))
            }
            for (field, probe) in [("livenessProbe", c.livenessProbe), ("startupProbe", c.startupProbe)] {
                if let probe, (probe.successThreshold ?? 0) != 1 {
                    errs.append(.invalid(p.child(field).child("successThreshold"), probe.successThreshold ?? 0, "must be 1"))
                }
            }
        }
        return errs
    }

    /// Init containers share the name space with app containers. Only sidecars
    /// (`restartPolicy: Always`) may have probes.
    static func validateInitContainers(_ containers: [Container], others: [Container], at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        var names = Set(others.map(\.name))
        for (i, c) in containers.enumerated() {
            let p = path.index(i)
            errs += validateContainerCommon(c, &names, at: p)
            let sidecar = c.restartPolicy == "Always"
            if let rp = c.restartPolicy, rp != "Always" {
                errs.append(.notSupported(p.child("restartPolicy"), rp, ["Always"]))
            }
            for (field, probe) in [("livenessProbe", c.livenessProbe), ("readinessProbe", c.readinessProbe),
                                   ("startupProbe", c.startupProbe)] where probe != nil {
                if sidecar {
                    errs += validateProbe(probe, at: p.child(field))
                } else {
                    errs.append(.forbidden(p.child(field), "may not be set for init containers without restartPolicy=Always"))
                }
            }
        }
        return errs
    }

    static func validateContainerCommon(_ c: Container, _ names: inout Set<String>, at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        if c.name.isEmpty {
            errs.append(.required(path.child("name")))
        } else {
            errs += dns1123Label(c.name, path.child("name"))
            if !names.insert(c.name).inserted { errs.append(.duplicate(path.child("name"), c.name)) }
        }
        let image = c.image ?? ""
        if image.isEmpty {
            errs.append(.required(path.child("image")))
        } else if image != image.trimmingCharacters(in: .whitespacesAndNewlines) {
            errs.append(.invalid(path.child("image"), image, "must not have leading or trailing whitespace"))
        }
        errs += validateContainerPorts(c.ports ?? [], at: path.child("ports"))
        errs += validateEnv(c.env ?? [], at: path.child("env"))
        let pull = c.imagePullPolicy ?? ""
        if pull.isEmpty {
            errs.append(.required(path.child("imagePullPolicy")))
        } else if !["Always", "IfNotPresent", "Never"].contains(pull) {
            errs.append(.notSupported(path.child("imagePullPolicy"), pull, ["Always", "IfNotPresent", "Never"]))
        }
        return errs
    }

    /// `validateContainerPorts`: names are IANA_SVC_NAME (≤15, a letter, no "--") because
    /// Services refer to them as named targetPorts; names unique within the container.
    public static func validateContainerPorts(_ ports: [ContainerPort], at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        var names = Set<String>()
        for (i, port) in ports.enumerated() {
            let p = path.index(i)
            if let name = port.name, !name.isEmpty {
                let msgs = Names.portName(name)
                if !msgs.isEmpty {
                    errs += msgs.map { .invalid(p.child("name"), name, $0) }
                } else if !names.insert(name).inserted {
                    errs.append(.duplicate(p.child("name"), name))
                }
            }
            if port.containerPort == 0 {
                errs.append(.required(p.child("containerPort")))
            } else {
                errs += Names.portNumber(port.containerPort).map { .invalid(p.child("containerPort"), port.containerPort, $0) }
            }
            if let hp = port.hostPort, hp != 0 {
                errs += Names.portNumber(hp).map { .invalid(p.child("hostPort"), hp, $0) }
            }
            if let hostIP = port.hostIP, !hostIP.isEmpty { errs += validIP(hostIP, p.child("hostIP")) }
            errs += portProtocol(port.protocol, p.child("protocol"))
        }
        return errs
    }

    /// `ValidateEnv` with relaxed names (GA `RelaxedEnvironmentVariableValidation`): any printable
    /// ASCII except '='.
    public static func validateEnv(_ vars: [EnvVar], at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        for (i, ev) in vars.enumerated() {
            let p = path.index(i)
            if ev.name.isEmpty {
                errs.append(.required(p.child("name")))
            } else if ev.name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value > 0x7e || $0 == "=" }) {
                errs.append(.invalid(p.child("name"), ev.name,
                                     "a valid environment variable name must consist only of printable ASCII characters other than '='"))
            }
            if let from = ev.valueFrom { errs += validateEnvVarValueFrom(from, value: ev.value, at: p.child("valueFrom")) }
        }
        return errs
    }

    static func validateEnvVarValueFrom(_ from: EnvVarSource, value: String?, at path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        var sources = 0
        if let ref = from.fieldRef {
            sources += 1
            let fp = path.child("fieldRef")
            if (ref.apiVersion ?? "").isEmpty { errs.append(.required(fp.child("apiVersion"))) }
            let base = ref.fieldPath.split(separator: "[", maxSplits: 1).first.map(String.init) ?? ""
            let subscripted = ref.fieldPath.contains("[")
            let ok = supportedFieldRefPaths.contains(base)
                && (subscripted ? ["metadata.annotations", "metadata.labels"].contains(base) && ref.fieldPath.hasSuffix("']")
                    : !["metadata.annotations", "metadata.labels"].contains(base))
            if !ok { errs.append(.notSupported(fp.child("fieldPath"), ref.fieldPath, supportedFieldRefPaths)) }
        }
        for (field, ref) in [("configMapKeyRef", from.configMapKeyRef), ("secretKeyRef", from.secretKeyRef)] {
            guard let ref else { continue }
            sources += 1
            let rp = path.child(field)
            if (ref.name ?? "").isEmpty { errs.append(.required(rp.child("name"))) }
            if ref.key.isEmpty {
                errs.append(.required(rp.child("key")))
            } else {
                errs += configMapKeyErrors(ref.key).map { .invalid(rp.child("key"), ref.key, $0) }
            }
        }
        if sources == 0 {
            errs.append(.invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
        } else if sources > 1 {
            errs.append(.invalid(path, "", "may not have more than one field specified at a time"))
        } else if let value, !value.isEmpty {
            errs.append(.invalid(path, "", "may not be specified when `value` is not empty"))
        }
        return errs
    }

    /// `validateProbe`: exactly one handler; numeric settings non-negative.
    static func validateProbe(_ probe: Probe?, at path: FieldPath) -> [FieldError] {
        guard let probe else { return [] }
        var errs: [FieldError] = []
        var handlers = 0
        if let exec = probe.exec {
            handlers += 1
            if (exec.command ?? []).isEmpty { errs.append(.required(path.child("exec").child("command"))) }
        }
        if let http = probe.httpGet {
            if handlers > 0 {
                errs.append(.forbidden(path.child("httpGet"), "may not specify more than 1 handler type"))
            } else {
                handlers += 1
                let hp = path.child("httpGet")
                if (http.path ?? "").isEmpty { errs.append(.required(hp.child("path"))) }
                errs += portNumOrName(http.port, hp.child("port"))
                let scheme = http.scheme ?? ""
                if !["HTTP", "HTTPS"].contains(scheme) { errs.append(.notSupported(hp.child("scheme"), scheme, ["HTTP", "HTTPS"])) }
            }
        }
        if let tcp = probe.tcpSocket {
            if handlers > 0 {
                errs.append(.forbidden(path.child("tcpSocket"), "may not specify more than 1 handler type"))
            } else {
                handlers += 1
                errs += portNumOrName(tcp.port, path.child("tcpSocket").child("port"))
            }
        }
        if handlers == 0 { errs.append(.required(path, "must specify a handler type")) }
        for (field, value) in [("initialDelaySeconds", probe.initialDelaySeconds), ("timeoutSeconds", probe.timeoutSeconds),
                               ("periodSeconds", probe.periodSeconds), ("successThreshold", probe.successThreshold),
                               ("failureThreshold", probe.failureThreshold)] {
            errs += nonnegative(value ?? 0, path.child(field))
        }
        return errs
    }
}
