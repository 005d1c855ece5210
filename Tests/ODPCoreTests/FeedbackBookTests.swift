import Foundation
import Testing
@testable import ODPCore

@Suite("纠错与意见: the feedback book, its statuses and its form")
struct FeedbackBookTests {
    static func book() -> (FeedbackBook, URL) {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("odp-feedback-\(UUID().uuidString)")
        return (FeedbackBook(state: state), state)
    }

    static func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    /// Finds the word 身份证 as the real scanner finds an ID number: the book's rule under test
    /// is that any finding refuses the reason, whatever the detector.
    struct WordGate: PublishedFileGate {
        func inspect(file: String, bytes: Data) -> [PublishedFileFinding] {
            String(decoding: bytes, as: UTF8.self).contains("身份证") ? [PublishedFileFinding(file: file, location: "第 1 行", kind: "id_card", title: "身份证号")] : []
        }
    }

    static let submission = FeedbackForm.Submission(kind: .correction, text: "站点 S0001 的经度有误", contact: "13912345678", version: "2026.11.23.1")

    @Test("numbers count per dataset; the private file is 0600 and keeps the contact")
    func numbers() throws {
        let (book, state) = Self.book()
        defer { try? FileManager.default.removeItem(at: state) }
        let a = try book.submit(dataset: "air-quality", Self.submission, withheld: false)
        let b = try book.submit(dataset: "air-quality", Self.submission, withheld: true)
        let c = try book.submit(dataset: "bus-stops", Self.submission, withheld: false)
        #expect([a.number, b.number, c.number] == ["air-quality-F1", "air-quality-F2", "bus-stops-F1"])
        #expect(a.status == .received && a.statusTitle == "已收到" && a.contact == "13912345678")
        #expect(b.publicText == FeedbackItem.withheldText && a.publicText == Self.submission.text)
        let attributes = try FileManager.default.attributesOfItem(atPath: book.file("air-quality").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(book.file("air-quality").lastPathComponent == "air-quality.public.json")
        #expect(try book.all().map(\.number) == ["air-quality-F1", "air-quality-F2", "bus-stops-F1"])
        #expect(try book.item("bus-stops-F1")?.dataset == "bus-stops")
    }

    @Test("received → accepted → fixed in a published version with its erratum; final states stay final")
    func transitions() throws {
        let (book, state) = Self.book()
        defer { try? FileManager.default.removeItem(at: state) }
        let item = try book.submit(dataset: "air-quality", Self.submission, withheld: false, now: Self.date("2026-12-01T00:00:00Z"))
        let accepted = try book.accept(item.number, by: "张三", now: Self.date("2026-12-01T02:00:00Z"))
        #expect(accepted.status == .accepted && accepted.responseSeconds == 7200)
        #expect { try book.accept(item.number, by: "张三") } throws: { ($0 as? ODPError)?.code == .feedbackChange }
        let errata = [Erratum(number: "air-quality-E1", dataset: "air-quality", version: "2026.11.20.1", text: "t", by: "x", recorded: "2026-12-01T00:00:00Z")]
        // Only a published version, only this dataset's erratum.
        #expect { try book.fix(item.number, version: "2030.01.01.1", erratum: nil, by: "张三", published: ["2026.11.23.1"], errata: errata) } throws: {
            ($0 as? ODPError)?.code == .feedbackChange && "\($0)".contains("2030.01.01.1")
        }
        #expect { try book.fix(item.number, version: "2026.11.23.1", erratum: "bus-stops-E1", by: "张三", published: ["2026.11.23.1"], errata: errata) } throws: {
            ($0 as? ODPError)?.code == .feedbackChange
        }
        let fixed = try book.fix(item.number, version: "2026.11.23.1", erratum: "air-quality-E1", by: "李四", published: ["2026.11.23.1"], errata: errata,
                                 now: Self.date("2026-12-03T00:00:00Z"))
        #expect(fixed.status == .fixed && fixed.statusTitle == "已在 2026.11.23.1 版本修正" && fixed.erratum == "air-quality-E1")
        #expect(fixed.responseSeconds == 7200, "the response time ends at the first answer")
        #expect(fixed.changed == "2026-12-03T00:00:00Z" && fixed.by == "李四")
        #expect(throws: ODPError.self) { try book.decline(item.number, reason: "不适用", by: "张三", gate: WordGate()) }
        #expect(try book.items("air-quality") == [fixed], "what was written is what is read")
    }

    @Test("a submitter's contact is emptied once its answer is older than the retention; open items keep it")
    func contactRetention() throws {
        let (book, _) = Self.book()
        let answered = try book.submit(dataset: "air-quality", Self.submission, withheld: false, now: Self.date("2026-11-01T00:00:00Z"))
        let open = try book.submit(dataset: "air-quality", Self.submission, withheld: false, now: Self.date("2026-11-01T00:00:00Z"))
        let declined = try book.submit(dataset: "bus-stops", Self.submission, withheld: false, now: Self.date("2026-11-01T00:00:00Z"))
        _ = try book.fix(answered.number, version: "2026.11.23.1", erratum: nil, by: "李四", published: ["2026.11.23.1"], errata: [],
                         now: Self.date("2026-11-02T00:00:00Z"))
        _ = try book.accept(open.number, by: "李四", now: Self.date("2026-11-02T00:00:00Z"))
        _ = try book.decline(declined.number, reason: "不在本数据集范围", by: "张三", gate: WordGate(), now: Self.date("2026-11-03T00:00:00Z"))
        #expect(try book.purgeContacts(retentionDays: 30, now: Self.date("2026-12-01T12:00:00Z")).isEmpty, "30 days not yet over")
        #expect(try book.purgeContacts(retentionDays: 30, now: Self.date("2026-12-02T12:00:00Z")) == [answered.number])
        #expect(try book.purgeContacts(retentionDays: 30, now: Self.date("2026-12-03T12:00:00Z")) == [declined.number])
        #expect(try book.item(answered.number)?.contact == nil && book.item(declined.number)?.contact == nil)
        #expect(try book.item(open.number)?.contact == Self.submission.contact, "an item still being handled keeps its contact")
        #expect(try book.item(answered.number)?.status == .fixed, "only the contact goes")
        #expect(try book.purgeContacts(retentionDays: 30, now: Self.date("2027-06-01T00:00:00Z")).isEmpty)
    }

    @Test("a decline needs a public reason without personal data; unknown and malformed numbers are refused")
    func decline() throws {
        let (book, state) = Self.book()
        defer { try? FileManager.default.removeItem(at: state) }
        let item = try book.submit(dataset: "air-quality", Self.submission, withheld: false)
        for reason in ["  ", "含身份证的理由", String(repeating: "长", count: FeedbackBook.reasonLimit + 1)] {
            #expect { try book.decline(item.number, reason: reason, by: "张三", gate: WordGate()) } throws: { ($0 as? ODPError)?.code == .feedbackChange }
        }
        #expect(try book.item(item.number)?.status == .received, "a refused change changes nothing")
        let declined = try book.decline(item.number, reason: "  该字段按标准不公开 ", by: "张三", gate: WordGate())
        #expect(declined.status == .declined && declined.reason == "该字段按标准不公开" && declined.responded != nil)
        for number in ["air-quality-F9", "nothing-F1", "../../etc/passwd-F1", "air-quality-Fx", "air-quality"] {
            #expect { try book.accept(number, by: "张三") } throws: { ($0 as? ODPError)?.code == .feedbackChange }
        }
        #expect(FeedbackBook.dataset(of: "../x-F1") == nil && FeedbackBook.dataset(of: "a-b-c-F12") == "a-b-c")
    }

    @Test("the form: a known kind, 5 to 2,000 characters without control characters, an optional contact and version")
    func form() {
        func problems(_ values: [String: String]) -> [String] {
            if case .failure(let p) = FeedbackForm.validate(values) { return p.byField.keys.sorted() }
            return []
        }
        #expect(problems(["kind": "complaint", "text": "足够长的内容"]) == ["kind"])
        #expect(problems(["kind": "request", "text": "短"]) == ["text"])
        #expect(problems(["kind": "request", "text": String(repeating: "字", count: 2001)]) == ["text"])
        #expect(problems(["kind": "request", "text": "含有\u{07}控制字符"]) == ["text"])
        #expect(problems(["kind": "request", "text": "足够长的内容", "version": "1.0; DROP"]) == ["version"])
        #expect(problems(["kind": "request", "text": "足够长的内容", "contact": String(repeating: "a", count: 101)]) == ["contact"])
        guard case .success(let s) = FeedbackForm.validate(["kind": "request", "text": " 希望增加\r\n区县字段 ", "contact": " "]) else {
            Issue.record("a valid request was refused")
            return
        }
        #expect(s.kind == .request && s.text == "希望增加\r\n区县字段" && s.contact == nil && s.version == nil)
    }

    @Test("usage counts add up per version and per dataset, and survive the codec")
    func usage() throws {
        var counts = UsageCounts()
        counts.add(["a": ["1": .init(downloads: 2, apiCalls: 0)]])
        counts.add(["a": ["1": .init(downloads: 1, apiCalls: 5), "2": .init(downloads: 1)], "b": ["1": .init(apiCalls: 1)]])
        #expect(counts.datasets["a"]?["1"] == UsageCounts.Count(downloads: 3, apiCalls: 5))
        #expect(counts.total("a") == UsageCounts.Count(downloads: 4, apiCalls: 5) && counts.total("zzz") == UsageCounts.Count())
        let data = try ArtifactCodec.encode(counts)
        #expect(String(decoding: data, as: UTF8.self).contains("\"api_calls\" : 5"))
        #expect(try ArtifactCodec.decode(UsageCounts.self, from: data, file: "usage.json") == counts)
    }
}
