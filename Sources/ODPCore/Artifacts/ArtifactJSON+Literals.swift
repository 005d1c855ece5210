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
