import Foundation
import ODPCore

/// The release gate for whole files: scans every string of a JSON file (by JSON path) and
/// every line of a text file with the same `IdentifierScanner` that scans the data cells.
///
/// Data files are not passed here: each of their cells was scanned as it was written. What
/// this catches is a value that reached a report, README, descriptor or catalog some other
/// way (a category text, an example, a description).
///
/// ## What is let through
/// - Values the definition publishes on purpose: the dataset contact's phone and e-mail,
///   given in `allowedValues` (compared with spaces and hyphens removed).
/// - Kinds that a field of the release is declared to carry (`allow: [{kind: landline}]`):
///   the data publishes them already, so a report that repeats one adds nothing.
///
/// Person names are not looked for: without a field's name or title a 2–4 character run
/// cannot be told from a word, and guessing would hold every report.
public struct PublishedFileScanner: PublishedFileGate {
    let scanner: IdentifierScanner
    let allowedValues: Set<String>
    let allowedKinds: Set<IdentifierKind>

    public init(today: CivilDateTime, allowedValues: [String] = [], allowedKinds: Set<IdentifierKind> = []) {
        scanner = IdentifierScanner(today: today)
        self.allowedValues = Set(allowedValues.map(Self.normalized).filter { !$0.isEmpty })
        self.allowedKinds = allowedKinds
    }

    /// The gate for one dataset's release: its contact may be published, and so may the kinds
    /// its output fields allow.
    public init(definition: DatasetDefinition, today: CivilDateTime) {
        var kinds: Set<IdentifierKind> = []
        for field in definition.schema.fields {
            for spec in field.allow { if let kind = IdentifierKind(rawValue: spec.type) { kinds.insert(kind) } }
        }
        self.init(today: today, allowedValues: definition.catalog.publishedContactValues, allowedKinds: kinds)
    }

    public func inspect(file: String, bytes: Data) -> [PublishedFileFinding] {
        let lower = file.lowercased()
        if lower.hasSuffix(".json") || lower.hasSuffix(".jsonld") {
            var out: [PublishedFileFinding] = []
            do {
                try JSONLeaves.walk(bytes) { text, leaf, path in
                    let found = findings(in: text, file: file, location: "")
                    guard !found.isEmpty else { return }
                    let location = leaf == .key ? path.rendered + "（键名）" : path.rendered
                    out += found.map { var f = $0; f.location = location; return f }
                }
            } catch {
                return [PublishedFileFinding(file: file, location: "", kind: "unreadable", title: "无法解析的 JSON（无法检查，按不通过处理）")]
            }
            return out
        }
        guard let text = String(data: bytes, encoding: .utf8) else {
            return [PublishedFileFinding(file: file, location: "", kind: "unreadable", title: "非 UTF-8 文本（无法检查，按不通过处理）")]
        }
        var out: [PublishedFileFinding] = []
        var line = 0
        text.enumerateLines { content, _ in
            line += 1
            out += findings(in: content, file: file, location: "第 \(line) 行")
        }
        return out
    }

    private func findings(in text: String, file: String, location: String) -> [PublishedFileFinding] {
        scanner.scan(text).compactMap { kind, value in
            if allowedKinds.contains(kind) || allowedValues.contains(Self.normalized(value)) { return nil }
            return PublishedFileFinding(file: file, location: location, kind: kind.rawValue, title: kind.title)
        }
    }

    static func normalized(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "(" && $0 != ")" }.map(Character.init)).lowercased()
    }
}
