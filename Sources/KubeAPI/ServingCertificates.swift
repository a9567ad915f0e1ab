import Foundation

/// A self-signed CA and a serving certificate signed by it, made with the `openssl` command-line
/// tool, for when the user gives no `--tls-cert-file`: kubectl (Go's x509) verifies the server
/// against the CA in the kubeconfig and requires the address in the subjectAltName, so both
/// are written. The CA is kept across runs (kubeconfigs stay valid); the serving certificate is
/// remade each time for the addresses asked.
public enum ServingCertificates {
    public struct Files: Sendable, Hashable {
        public var caCertificate: String
        public var caKey: String
        public var certificate: String
        public var key: String
    }

    public struct GenerationError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `openssl` on PATH (or /usr/bin), nil when absent.
    public static func findOpenSSL() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return dirs.map { "\($0)/openssl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Writes `ca.crt`/`ca.key` (unless present) and the serving certificate and key in
    /// `directory` (created 0700; keys 0600), the serving certificate valid for `hosts`
    /// (IP addresses and DNS names) plus 127.0.0.1 and localhost.
    /// `servingName` names the serving pair (`NAME.crt`, `NAME.key`), so engines on different
    /// addresses share the CA without overwriting each other's certificates.
    public static func generate(in directory: URL, servingName: String = "apiserver", hosts: [String],
                                commonName: String = "switchboard-apiserver") throws -> Files {
        guard let openssl = findOpenSSL() else {
            throw GenerationError(description: "the openssl command-line tool is not installed, so no serving certificate can be "
                + "generated; install it (apt-get install openssl) or pass --tls-cert-file and --tls-private-key-file")
        }
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        let files = Files(caCertificate: directory.appendingPathComponent("ca.crt").path,
                          caKey: directory.appendingPathComponent("ca.key").path,
                          certificate: directory.appendingPathComponent("\(servingName).crt").path,
                          key: directory.appendingPathComponent("\(servingName).key").path)
        // The directory is 0700, so the keys are private from the moment openssl writes them;
        // they are made 0600 as well (no umask change: it is process-wide).
        defer {
            for key in [files.caKey, files.key] { try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key) }
        }
        if !(fm.fileExists(atPath: files.caCertificate) && fm.fileExists(atPath: files.caKey)) {
            try run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                              "-keyout", files.caKey, "-out", files.caCertificate, "-days", "3650",
                              "-subj", "/CN=switchboard-ca",
                              "-addext", "basicConstraints=critical,CA:TRUE",
                              "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        let csr = directory.appendingPathComponent("\(servingName).csr").path
        let ext = directory.appendingPathComponent("\(servingName).ext").path
        var seen = Set<String>()
        let usable = hosts.filter { h in !h.isEmpty && h != "0.0.0.0" && h != "::" && h.allSatisfy { $0.isLetter || $0.isNumber || ".:-".contains($0) } }
        let sans = (usable + ["127.0.0.1", "localhost"]).filter { seen.insert($0).inserted }
            .map { isIPAddress($0) ? "IP:\($0)" : "DNS:\($0)" }
        try Data("""
            basicConstraints=critical,CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth
            subjectAltName=\(sans.joined(separator: ","))

            """.utf8).write(to: URL(fileURLWithPath: ext))
        try run(openssl, ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", files.key, "-out", csr, "-subj", "/CN=\(commonName)"])
        try run(openssl, ["x509", "-req", "-in", csr, "-CA", files.caCertificate, "-CAkey", files.caKey,
                          "-CAcreateserial", "-out", files.certificate, "-days", "365", "-extfile", ext])
        try? fm.removeItem(atPath: csr)
        try? fm.removeItem(atPath: ext)
        return files
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || (host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil })
    }

    private static func run(_ openssl: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: openssl)
        p.arguments = arguments
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let output = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw GenerationError(description: "openssl \(arguments.prefix(2).joined(separator: " ")) failed (exit \(p.terminationStatus)): "
                + String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
