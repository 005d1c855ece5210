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

    @Test("README's detector table lists the registry's detectors, in order, with their names and rules")
    func detectorTable() throws {
        let lines = Self.readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex(of: "| kind | 名称 (name) | detects |"))
        let rows = Array(lines[(header + 2)...].prefix { $0.hasPrefix("| ") })
        let expected = DetectorRegistry.all.map { unit in
            "| `\(unit.slug)` | \(unit.summary.chinese) (\(unit.summary.english)) | \(unit.parameters ?? "–") |"
        }
        #expect(rows == expected)
    }

    @Test("every identifier kind has exactly one detector, at its counter index, with a name and a finding")
    func detectorsComplete() {
        #expect(DetectorRegistry.all.count == IdentifierKind.count)
        #expect(Set(DetectorRegistry.slugs).count == DetectorRegistry.all.count)
        for (i, unit) in DetectorRegistry.byKind.enumerated() {
            #expect(unit.kind.index == i, "\(unit.slug)")
            #expect(IdentifierKind(rawValue: unit.slug) == unit.kind, "\(unit.slug)")
            #expect(!unit.summary.chinese.isEmpty && !unit.summary.english.isEmpty && !unit.findings.isEmpty, "\(unit.slug)")
        }
    }

    @Test("a detector's hold reason names the field, the kind, the count and the first row")
    func holdReasons() {
        let field = FieldDefinition(name: "phone", title: "电话", type: .string)
        let reason = MobileDetector.holdReason(DetectorHit(field: field, count: 3, row: 7, embedded: []))
        #expect(reason == "字段“电话”（phone）的发布值中发现手机号码 3 处（首次见于源数据第 7 行），该字段未声明允许公开此类信息")
        let owner = FieldDefinition(name: "owner", title: "经营者", type: .string)
        let embedded = EmbeddedIdentifierDetector.holdReason(DetectorHit(field: field, count: 1, row: 2, embedded: [owner]))
        #expect(embedded.contains("“经营者”（owner）") && embedded.contains("mask_embedded"))
    }
}
