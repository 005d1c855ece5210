import Foundation
import ODPCore
import Testing
@testable import ODPDesensitize

/// README's operator table and detector list are held to the registries they document.
@Suite("Operator and detector registries")
struct VocabularyRegistryTests {
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    @Test("README's operator table lists the registry's operators, in order, with their parameters")
    func operatorTable() throws {
        let lines = Self.readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex(of: "| op | parameters |"))
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("| ") }
        let documented = rows.map { row -> String in
            let inner = row.dropFirst(2).dropLast(2)
            guard let split = inner.range(of: " | ") else { return String(inner) }
            return inner[..<split.lowerBound] + " (" + inner[split.upperBound...] + ")"
        }
        #expect(documented == OperatorRegistry.all.map { $0.readmeEntry })
    }

    @Test("every operator is described, and slugs are unique")
    func operatorsDescribed() {
        #expect(Set(OperatorRegistry.slugs).count == OperatorRegistry.all.count)
        for unit in OperatorRegistry.all {
            #expect(!unit.summary.chinese.isEmpty && !unit.summary.english.isEmpty, "\(unit.slug)")
        }
    }

    @Test("README's list of identifier kinds is the detectors' list")
    func detectorKinds() throws {
        let start = try #require(Self.readme.range(of: "kinds: `"))
        let end = try #require(Self.readme[start.upperBound...].range(of: "`"))
        let kinds = Self.readme[start.upperBound..<end.lowerBound].split(whereSeparator: \.isWhitespace).map(String.init)
        #expect(kinds == IdentifierKind.allCases.map(\.rawValue))
        for kind in IdentifierKind.allCases {
            #expect(!kind.title.isEmpty && !kind.english.isEmpty, "\(kind)")
        }
    }
}
