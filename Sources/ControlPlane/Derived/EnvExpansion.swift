/// Kubernetes' `$(VAR)` reference expansion (`third_party/forked/golang/expansion`), used for container
/// `env` values, `command` and `args`. Reproduced byte for byte because its corner cases are visible
/// to workloads: an undefined reference stays literally `$(NAME)`, `$$` is an escaped `$`, an
/// unterminated `$(` is kept as written, and a `$` before any other character is left alone.
public enum EnvExpansion {
    /// Expands `$(NAME)` references in `input`; `mapping` returns nil for names that are not defined.
    public static func expand(_ input: String, mapping: (String) -> String?) -> String {
        let bytes = Array(input.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var checkpoint = 0
        var cursor = 0
        while cursor < bytes.count {
            if bytes[cursor] == UInt8(ascii: "$") && cursor + 1 < bytes.count {
                out.append(contentsOf: bytes[checkpoint..<cursor])
                let (read, isVariable, advance) = tryReadVariableName(bytes[(cursor + 1)...])
                if isVariable {
                    let name = String(decoding: read, as: UTF8.self)
                    if let value = mapping(name) {
                        out.append(contentsOf: Array(value.utf8))
                    } else {
                        out.append(contentsOf: Array("$(\(name))".utf8))
                    }
                } else {
                    out.append(contentsOf: read)
                }
                cursor += advance
                checkpoint = cursor + 1
            }
            cursor += 1
        }
        if checkpoint < bytes.count { out.append(contentsOf: bytes[checkpoint...]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Convenience for a fixed set of maps searched in order (`MappingFuncFor`).
    public static func expand(_ input: String, using contexts: [[String: String]]) -> String {
        expand(input) { name in
            for context in contexts { if let v = context[name] { return v } }
            return nil
        }
    }

    /// `tryReadVariableName`: returns the bytes read, whether they form a reference name, and how
    /// many bytes after the `$` were consumed.
    private static func tryReadVariableName(_ input: ArraySlice<UInt8>) -> ([UInt8], Bool, Int) {
        let start = input.startIndex
        switch input[start] {
        case UInt8(ascii: "$"):
            return ([UInt8(ascii: "$")], false, 1)
        case UInt8(ascii: "("):
            var i = start + 1
            while i < input.endIndex {
                if input[i] == UInt8(ascii: ")") {
                    return (Array(input[(start + 1)..<i]), true, i - start + 1)
                }
                i += 1
            }
            return (Array("$(".utf8), false, 1)
        default:
            return ([UInt8(ascii: "$"), input[start]], false, 1)
        }
    }
}
