import Foundation
import Testing
@testable import ODPCore

/// Issue 16 item 9: every error carries a stable code from one registry, docs/errors.md is
/// generated from it, and the reproduced raw dumps are coded messages naming their place.
@Suite("Error codes and messages")
struct ErrorCatalogTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("docs/errors.md is what `odp errors --markdown` generates (regenerate it after adding a code)")
    func catalogIsFresh() throws {
        let file = Self.repository.appendingPathComponent("docs/errors.md")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == ErrorCatalog.markdown(), "docs/errors.md is stale: run `swift run odp errors --markdown > docs/errors.md`")
        for code in ErrorCode.all { #expect(text.contains("| \(code) | \(code.title) |")) }
    }

    @Test("codes are unique, formatted ODP-Exxxx, titled in Chinese, and found by name")
    func codesAreUnique() {
        let numbers = ErrorCode.all.map(\.number)
        #expect(Set(numbers).count == numbers.count)
        #expect(numbers == numbers.sorted())
        for code in ErrorCode.all {
            #expect(code.description.wholeMatch(of: /ODP-E\d{4}/) != nil)
            #expect(code.title.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF })
            #expect(ErrorCode.named(code.description) == code)
        }
        #expect(ErrorCode.named("ODP-E9999") == nil)
    }

    @Test("a full disk is a coded message naming the path, never NSError 640")
    func diskFull() throws {
        // /dev/full answers every write with ENOSPC: a real full-disk error from Foundation.
        var thrown: (any Error)?
        do { try Data(count: 4096).write(to: URL(fileURLWithPath: "/dev/full")) } catch { thrown = error }
        let coded = ODPError.from(try #require(thrown))
        #expect(coded.code == .diskFull, "\(coded)")
        #expect(coded.description.contains("/dev/full"))
        #expect(coded.description.contains("磁盘空间不足"))
        #expect(coded.description.hasSuffix("[ODP-E0301]"))
        let cocoa = ODPError.from(CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/srv/odp/output/releases/x"]))
        #expect(cocoa.code == .diskFull)
        #expect(cocoa.description.contains("/srv/odp/output/releases/x"))
        #expect(!cocoa.description.contains("Domain="))
    }

    @Test("a read-only or forbidden folder is a coded message naming the path, never an NSError dump")
    func readOnly() {
        for error in [CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: "/out/releases"]) as Error,
                      CocoaError(.fileWriteVolumeReadOnly, userInfo: [NSFilePathErrorKey: "/out/releases"]),
                      NSError(domain: NSPOSIXErrorDomain, code: Int(EROFS), userInfo: [NSFilePathErrorKey: "/out/releases"])] {
            let coded = ODPError.from(error)
            #expect(coded.code == .permissionDenied)
            #expect(coded.description.contains("/out/releases") && coded.description.contains("没有写入权限"))
            #expect(!coded.description.contains("Domain="), "\(coded)")
        }
        // A real one: the directory a file path needs is a file.
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("odp-blocker-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: blocker.path, contents: Data())
        defer { try? FileManager.default.removeItem(at: blocker) }
        do {
            try AtomicFile.write(Data("x".utf8), to: blocker.appendingPathComponent("state/file.json"))
            Issue.record("writing under a file succeeded")
        } catch {
            let text = "\(ODPError.from(error))"
            #expect(text.contains(blocker.path), "\(text)")
            #expect(text.contains("[ODP-E03"), "\(text)")
            #expect(!text.contains("Domain="), "\(text)")
        }
    }

    @Test("a duplicate YAML key names file:line:column of its second occurrence, without Yams' dump")
    func duplicateKey() {
        let yaml = validDefinition.replacingOccurrences(of: "  domain: 市场监管\n", with: "  domain: 市场监管\n  title: 又一个标题\n")
        let (definition, diagnostics) = DatasetDefinition.parse(yaml: yaml, file: "pipelines/dup.yml")
        #expect(definition == nil)
        let d = diagnostics.first
        #expect(d?.code == .yamlDuplicateKey)
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "  title: 又一个标题" }.map { $0 + 1 }
        #expect(d?.location.line == line)
        #expect(d?.location.column == 3)
        let text = d?.description ?? ""
        #expect(text.hasPrefix("pipelines/dup.yml:\(line ?? 0):3: error: "), "\(text)")
        #expect(text.contains("title") && text.contains("[ODP-E0102]"))
        #expect(!text.contains("Parser:") && !text.contains("expected all keys"), "\(text)")
        // The same key in two list items is no duplicate.
        #expect(DatasetDefinition.parse(yaml: validDefinition, file: "ok.yml").0 != nil)
    }

    @Test("a YAML syntax error is coded and keeps its position")
    func syntaxError() {
        let (_, diagnostics) = DatasetDefinition.parse(yaml: "id: x\ncatalog: [unclosed\n", file: "bad.yml")
        #expect(diagnostics.first?.code == .yamlSyntax)
        #expect(diagnostics.first?.location.line != nil)
        #expect(diagnostics.first?.description.contains("[ODP-E0101]") == true)
    }

    @Test("a literal password is one error, with no contradicting `no password` warning")
    func literalPassword() {
        let postgres = validDefinition.replacingOccurrences(of: "  type: csv\n  path: data.csv\n  encoding: gb18030\n", with: """
              type: postgres
              table: t
              connection: {host: db, database: d, user: u, password: hunter2}

            """)
        let (_, diagnostics) = DatasetDefinition.parse(yaml: postgres, file: "pg.yml")
        let about = diagnostics.filter { $0.message.contains("password") }
        #expect(about.count == 1, "\(about)")
        #expect(about.first?.severity == .error)
        #expect(!diagnostics.contains { $0.message.contains("没有 `password`") })
        let without = postgres.replacingOccurrences(of: ", password: hunter2", with: "")
        #expect(DatasetDefinition.parse(yaml: without, file: "pg.yml").1.contains { $0.severity == .warning && $0.message.contains("没有 `password`") })
    }
}
