import Foundation

/// Read access to state/approvals.json, the data officers' decisions, which ODPPipeline
/// writes (`Approvals`); a missing file or key reads as nil. Every release file the portal
/// shows is read through its artifact type instead (ODPCore/Artifacts).
struct JSONValue: @unchecked Sendable {
    // JSONSerialization output (NSDictionary/NSArray/NSString) is immutable.
    let raw: Any?

    init(_ raw: Any?) { self.raw = raw is NSNull ? nil : raw }

    static func load(_ url: URL) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: url.path),
              let object = try? JSONSerialization.jsonObject(with: data) else { return nil }
        return JSONValue(object)
    }

    subscript(_ key: String) -> JSONValue { JSONValue((raw as? [String: Any])?[key]) }

    var isNull: Bool { raw == nil }
    var keys: [String] { (raw as? [String: Any]).map { $0.keys.sorted() } ?? [] }
    var string: String? { raw as? String }
}
