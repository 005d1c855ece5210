import Foundation

/// Every key, string and number of a JSON document, in document order, with its JSON path,
/// read straight from the bytes without building a tree.
///
/// The release gate inspects catalog files of tens of MB (`dcat.jsonld` and `open-list.json`
/// at 21,000 datasets); decoding one into a value tree took several times its size in
/// memory. Here memory is the nesting depth plus the one value being looked at.
///
/// The grammar is RFC 8259's, checked as strictly as `JSONDecoder` checks it: a document that
/// does not parse throws `Malformed` and the caller treats it as uninspectable.
struct JSONLeaves {
    enum Leaf { case key, string, number }

    struct Malformed: Error {
        var offset: Int
    }

    /// Where a leaf is, rendered only when asked (almost every leaf has no finding).
    struct Path {
        fileprivate enum Step { case key(String), index(Int) }
        fileprivate var steps: [Step] = []

        /// `$.a.b[2].c`, the form the gate's findings have always used.
        var rendered: String {
            var out = "$"
            for step in steps {
                switch step {
                case .key(let key): out += "." + key
                case .index(let i): out += "[\(i)]"
                }
            }
            return out
        }
    }

    /// Calls `visit` for each leaf; for a key, `path` already ends with that key.
    static func walk(_ bytes: Data, visit: (String, Leaf, Path) -> Void) throws {
        try bytes.withUnsafeBytes { raw in
            var reader = Reader(bytes: raw.bindMemory(to: UInt8.self))
            try reader.document(visit: visit)
        }
    }

    private enum Frame { case object, array(Int) }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func document(visit: (String, Leaf, Path) -> Void) throws {
            var frames: [Frame] = []
            var path = Path()
            value: while true {
                skipSpace()
                switch try peek() {
                case UInt8(ascii: "{"):
                    at += 1
                    skipSpace()
                    if try peek() == UInt8(ascii: "}") {
                        at += 1
                    } else {
                        frames.append(.object)
                        try member(&path, visit: visit)
                        continue value
                    }
                case UInt8(ascii: "["):
                    at += 1
                    skipSpace()
                    if try peek() == UInt8(ascii: "]") {
                        at += 1
                    } else {
                        frames.append(.array(0))
                        path.steps.append(.index(0))
                        continue value
                    }
                case UInt8(ascii: "\""):
                    visit(try string(), .string, path)
                case UInt8(ascii: "t"): try literal("true")
                case UInt8(ascii: "f"): try literal("false")
                case UInt8(ascii: "n"): try literal("null")
                default:
                    visit(try number(), .number, path)
                }
                // A value ended: close every container it completes, then go on to the next.
                while let frame = frames.last {
                    skipSpace()
                    let next = try peek()
                    at += 1
                    path.steps.removeLast()
                    switch (frame, next) {
                    case (.object, UInt8(ascii: ",")):
                        skipSpace()
                        try member(&path, visit: visit)
                        continue value
                    case (.array(let count), UInt8(ascii: ",")):
                        frames[frames.count - 1] = .array(count + 1)
                        path.steps.append(.index(count + 1))
                        continue value
                    case (.object, UInt8(ascii: "}")), (.array, UInt8(ascii: "]")):
                        frames.removeLast()
                    default:
                        throw Malformed(offset: at - 1)
                    }
                }
                skipSpace()
                guard at == bytes.count else { throw Malformed(offset: at) }
                return
            }
        }

        /// `"key":` of an object member; leaves the path ending with the key.
        private mutating func member(_ path: inout Path, visit: (String, Leaf, Path) -> Void) throws {
            guard try peek() == UInt8(ascii: "\"") else { throw Malformed(offset: at) }
            let key = try string()
            path.steps.append(.key(key))
            visit(key, .key, path)
            skipSpace()
            guard try peek() == UInt8(ascii: ":") else { throw Malformed(offset: at) }
            at += 1
        }

        private mutating func skipSpace() {
            while at < bytes.count {
                switch bytes[at] {
                case 0x20, 0x0A, 0x0D, 0x09: at += 1
                default: return
                }
            }
        }

        private func peek() throws -> UInt8 {
            guard at < bytes.count else { throw Malformed(offset: at) }
            return bytes[at]
        }

        private mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count,
                  memcmp(bytes.baseAddress! + at, word.utf8Start, count) == 0 else { throw Malformed(offset: at) }
            at += count
        }

        /// The number's own text: a phone number stored as a JSON number is still one, and
        /// an exponent form (`1.3800138e10`) is written out as the integer it is.
        private mutating func number() throws -> String {
            let start = at
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard digits() > 0 else { throw Malformed(offset: start) }
            var integral = true
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                integral = false
                guard digits() > 0 else { throw Malformed(offset: at) }
            }
            if at < bytes.count, bytes[at] | 0x20 == UInt8(ascii: "e") {
                at += 1
                integral = false
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits() > 0 else { throw Malformed(offset: at) }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            guard !integral, let value = Double(text) else { return text }
            return value == value.rounded() && abs(value) < 1e18 ? String(Int64(value)) : String(value)
        }

        private mutating func digits() -> Int {
            let start = at
            while at < bytes.count, bytes[at] &- UInt8(ascii: "0") < 10 { at += 1 }
            return at - start
        }

        /// A string's decoded text; `at` is on its opening quote.
        private mutating func string() throws -> String {
            at += 1
            let start = at
            while at < bytes.count {
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    let text = try utf8(UnsafeBufferPointer(rebasing: bytes[start..<at]), offset: start)
                    at += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                if byte < 0x20 { throw Malformed(offset: at) }
                at += 1
            }
            throw Malformed(offset: start)
        }

        /// The slow path, for a string with escapes: decoded into a buffer.
        private mutating func escapedString(from start: Int) throws -> String {
            var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return try utf8(out, offset: start)
                case UInt8(ascii: "\\"):
                    let escape = try peek()
                    at += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out.append(contentsOf: try escapedScalar())
                    default: throw Malformed(offset: at - 1)
                    }
                default:
                    if byte < 0x20 { throw Malformed(offset: at - 1) }
                    out.append(byte)
                }
            }
            throw Malformed(offset: start)
        }

        /// `\uXXXX`, or a surrogate pair of two, as UTF-8.
        private mutating func escapedScalar() throws -> String.UTF8View {
            let first = try hex4()
            var value = first
            if (0xD800..<0xDC00).contains(first) {
                guard at + 6 <= bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                    throw Malformed(offset: at)
                }
                at += 2
                let second = try hex4()
                guard (0xDC00..<0xE000).contains(second) else { throw Malformed(offset: at - 4) }
                value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else { throw Malformed(offset: at - 4) }
            return String(Character(scalar)).utf8
        }

        private mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw Malformed(offset: at) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[at]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw Malformed(offset: at)
                }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }

        private func utf8(_ units: some Collection<UInt8>, offset: Int) throws -> String {
            guard let text = String(validating: units, as: UTF8.self) else { throw Malformed(offset: offset) }
            return text
        }
    }
}
