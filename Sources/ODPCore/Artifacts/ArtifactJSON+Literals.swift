import Foundation

/// Literals, so JSON that is not an artifact of ours (DCAT JSON-LD nodes, the portal's API
/// answers) is built as a typed tree rather than `[String: Any]`.
extension ArtifactJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: ArtifactJSON...) { self = .array(elements) }

    public init(dictionaryLiteral elements: (String, ArtifactJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// A string, or null for nil.
    public init(_ text: String?) { self = text.map(ArtifactJSON.string) ?? .null }
    public init(_ number: Int?) { self = number.map { .int(Int64($0)) } ?? .null }
    public init(_ strings: [String]) { self = .array(strings.map(ArtifactJSON.string)) }
}

/// Values from Swift numbers and back, for metrics and JSON answers.
extension ArtifactJSON {
    public init(_ number: Int) { self = .int(Int64(number)) }
    public init(_ number: Double) { self = .double(number) }
    public init(_ numbers: [Int]) { self = .array(numbers.map { .int(Int64($0)) }) }
    public init(_ numbers: [Double]) { self = .array(numbers.map(ArtifactJSON.double)) }
    public init(_ numbers: [String: Double]) { self = .object(numbers.mapValues(ArtifactJSON.double)) }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// A number, integral or not (JSON does not tell 1.0 from 1).
    public var doubleValue: Double? {
        switch self {
        case .int(let n): return Double(n)
        case .double(let d): return d
        default: return nil
        }
    }
    public var arrayValue: [ArtifactJSON]? { if case .array(let a) = self { return a } else { return nil } }
}
