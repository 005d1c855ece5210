import Foundation
import ODPCore
import ODPDesensitize
import Testing

@Suite("Published-file gate")
struct PublishedFileScannerTests {
    let gate = PublishedFileScanner(today: CivilDateTime(year: 2026, month: 12, day: 7), allowedValues: ["0591-87654321"])

    @Test("a value in a JSON report is found by its JSON path, and the finding never quotes it")
    func jsonPath() throws {
        let report = """
        {"profile": {"fields": [{"name": "note", "categories": [{"hash": "00ff", "count": 3, "value": "如有疑问请联系王老师13912345678"}]}]},
         "rules": [{"type": "pattern", "examples": [12, 13]}]}
        """
        let findings = gate.inspect(file: "quality-report.json", bytes: Data(report.utf8))
        #expect(findings.map(\.location) == ["$.profile.fields[0].categories[0].value"])
        #expect(findings.first?.kind == "mobile")
        #expect(findings.first?.reason.contains("quality-report.json") == true)
        #expect(findings.first?.reason.contains("13912345678") == false)
    }

    @Test("keys and numbers are scanned too: a phone number stored as a JSON number is one")
    func keysAndNumbers() {
        let findings = gate.inspect(file: "x.json", bytes: Data(#"{"13912345678": 1, "phone": 13700001111}"#.utf8))
        #expect(findings.map(\.location).sorted() == ["$.13912345678（键名）", "$.phone"])
    }

    @Test("text files are scanned line by line; the dataset's published contact is let through")
    func lines() {
        let id = "11010519900307123" + String(Checksums.gb11643CheckCharacter("11010519900307123")!)
        let readme = "# 名录\n\n联系电话：0591-87654321\n\n备注：身份证 \(id) 与 0591-12345678\n"
        let findings = gate.inspect(file: "README.md", bytes: Data(readme.utf8))
        #expect(findings.map(\.location) == ["第 5 行", "第 5 行"])
        #expect(Set(findings.map(\.kind)) == ["id_card", "landline"])
    }

    @Test("a kind a field is declared to publish is let through; an unreadable file is a finding")
    func allowedKindsAndUnreadable() {
        let lenient = PublishedFileScanner(today: CivilDateTime(year: 2026, month: 12, day: 7), allowedKinds: [.landline])
        #expect(lenient.inspect(file: "README.md", bytes: Data("电话 0591-12345678".utf8)).isEmpty)
        #expect(lenient.inspect(file: "release.json", bytes: Data("{\"a\": ".utf8)).map(\.kind) == ["unreadable"])
        #expect(lenient.inspect(file: "README.md", bytes: Data([0xFF, 0xFE, 0x00])).map(\.kind) == ["unreadable"])
    }

    @Test("the usual contents of a release are not findings: versions, hashes, times, decimals, codes")
    func noFalseAlarms() {
        let release = """
        {"version": "2026.12.07.1", "content_hash": "9f2c4e8a1b7d3f6e0a5c9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f",
         "created": "2026-12-07T05:41:26Z", "mean": 1003.4285714, "uscc": "91350100MA2Y3K4L5X", "district": "350102",
         "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "rows": 1000000}
        """
        #expect(gate.inspect(file: "release.json", bytes: Data(release.utf8)).isEmpty)
        let sums = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  data/x.csv\n"
        #expect(gate.inspect(file: "SHA256SUMS", bytes: Data(sums.utf8)).isEmpty)
    }
}
