import Foundation
import Testing
@testable import ODPCore

@Suite("Access applications: tokens, retention and review time")
struct AccessBookTests {
    static func book() throws -> (AccessBook, URL) {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("odp-access-\(UUID().uuidString)")
        return (AccessBook(state: state), state)
    }

    static let applicant = AccessBook.Applicant(name: "王五", organisation: "某大学", purpose: "研究用途说明足够长", contact: "13912345678")

    static func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    @Test("working days count Monday to Friday in Beijing time, from the day after submission")
    func workingDays() {
        // 2026-12-04 is a Friday; 10:00 Beijing time is 02:00Z.
        #expect(WorkingDays.between("2026-12-04T02:00:00Z", Self.date("2026-12-06T10:00:00Z")) == 0, "the weekend does not count")
        #expect(WorkingDays.between("2026-12-04T02:00:00Z", Self.date("2026-12-07T01:00:00Z")) == 1, "Monday 09:00 Beijing")
        #expect(WorkingDays.between("2026-12-04T02:00:00Z", Self.date("2026-12-11T10:00:00Z")) == 5)
        #expect(WorkingDays.between("2026-12-04T02:00:00Z", Self.date("2026-12-14T01:00:00Z")) == 6)
        // 23:30Z on Sunday is Monday 07:30 in Beijing.
        #expect(WorkingDays.between("2026-12-04T02:00:00Z", Self.date("2026-12-06T23:30:00Z")) == 1)
    }

    @Test("an application pending longer than the limit is overdue; a decided one never is")
    func overdue() throws {
        let (book, state) = try Self.book()
        defer { try? FileManager.default.removeItem(at: state) }
        let late = try book.submit(dataset: "d", applicant: Self.applicant, conditions: "c", now: Self.date("2026-12-04T02:00:00Z"))
        let decided = try book.submit(dataset: "d", applicant: Self.applicant, conditions: "c", now: Self.date("2026-12-04T02:00:00Z"))
        _ = try book.reject(decided.number, by: "x", note: nil)
        #expect(try book.overdue(limit: 5, now: Self.date("2026-12-11T10:00:00Z")).isEmpty)
        #expect(try book.overdue(limit: 5, now: Self.date("2026-12-14T01:00:00Z")).map(\.number) == [late.number])
        #expect(try book.overdue(limit: 6, now: Self.date("2026-12-14T01:00:00Z")).isEmpty)
    }

    @Test("purge empties personal data retention_days after an application ended, and only then")
    func purge() throws {
        let (book, state) = try Self.book()
        defer { try? FileManager.default.removeItem(at: state) }
        let start = Self.date("2026-01-05T02:00:00Z")
        let rejected = try book.submit(dataset: "d", applicant: Self.applicant, conditions: "c", now: start)
        _ = try book.reject(rejected.number, by: "x", note: "不符", now: start)
        let approved = try book.submit(dataset: "d", applicant: Self.applicant, conditions: "c", now: start)
        _ = try book.approve(approved.number, by: "x", note: nil, days: 30, now: start)
        let pending = try book.submit(dataset: "d", applicant: Self.applicant, conditions: "c", now: start)
        #expect(try book.purge(retentionDays: 10, now: start.addingTimeInterval(9 * 86_400)).isEmpty)
        #expect(try book.purge(retentionDays: 10, now: start.addingTimeInterval(11 * 86_400)) == [rejected.number])
        #expect(try book.purge(retentionDays: 10, now: start.addingTimeInterval(41 * 86_400)) == [approved.number], "ended when its token expired")
        let all = try book.applications()
        #expect(all.first { $0.number == rejected.number }?.name == nil)
        #expect(all.first { $0.number == rejected.number }?.status == .rejected, "the record itself stays")
        #expect(all.first { $0.number == pending.number }?.contact == "13912345678", "a pending application keeps its data")
        let text = try String(contentsOf: book.file, encoding: .utf8)
        #expect(text.components(separatedBy: "13912345678").count == 2, "only the pending application still holds the contact")
        let dir = try #require(try FileManager.default.attributesOfItem(atPath: book.directory.path)[.posixPermissions] as? Int)
        #expect(dir == 0o700)
    }

    @Test("decisions follow the status: approve or reject pending only, revoke approved only")
    func transitions() throws {
        let (book, state) = try Self.book()
        defer { try? FileManager.default.removeItem(at: state) }
        let a = try book.submit(dataset: "d", applicant: Self.applicant, conditions: "仅限科研")
        #expect(a.conditionsSHA256 == SHA256Hex.of(Array("仅限科研".utf8)))
        #expect(throws: ODPError.self) { try book.revoke(a.number, by: "x", note: nil) }
        let (_, token) = try book.approve(a.number, by: "x", note: nil, days: 1)
        #expect(throws: ODPError.self) { try book.approve(a.number, by: "x", note: nil, days: 1) }
        #expect(throws: ODPError.self) { try book.reject("SQ00000000-NOPE00", by: "x", note: nil) }
        #expect(try book.check(token: token, dataset: "d", version: "1", use: .api) == .granted(try #require(try book.application(a.number))))
        #expect(try book.application(a.number)?.apiCalls == 1)
        _ = try book.revoke(a.number, by: "x", note: nil)
        #expect(try book.check(token: token, dataset: "d", version: "1", use: .api) == .refused(.tokenRevoked))
    }
}
