import Foundation
import ODPCore
@testable import ODPPipeline
import Testing

/// 纠错与意见 reach the department's `webhooks:` subscriber as `feedback_received` events
/// (the signed delivery itself, to a real receiver: ODPPublishTests/SubscriberDeliveryTests).
@Suite("纠错与意见 events for subscribers")
struct FeedbackEventsTests {
    @Test("each 纠错与意见 on a defined dataset becomes one feedback_received event with its number and kind; one on an undefined dataset none")
    func events() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let workspace = try fixture.workspace()
        let definitions = workspace.definitions
        let book = FeedbackBook(state: workspace.layout.state)
        let item = try book.submit(dataset: "jtys-bus-stops", FeedbackForm.Submission(kind: .request, text: "希望增加线路编号字段", contact: "li@example.org"),
                                   withheld: false)
        let undefined = try book.submit(dataset: "gone", FeedbackForm.Submission(kind: .correction, text: "数据有误，请核实"), withheld: false)
        let events = try SubscriberEvents.all(definitions: definitions, withheld: [], root: fixture.output, errata: [],
                                              feedback: [item, undefined], baseURL: "https://data.example.gov.cn")
        #expect(events.map(\.id) == ["feedback:jtys-bus-stops-F1"], "a dataset without a definition has no 资源代码 to name it by")
        let event = try #require(events.first)
        let code = try #require(definitions.first { $0.id == item.dataset }?.catalog.code)
        #expect(event.event == .feedbackReceived && event.code == code && event.feedback == item.number && event.feedbackKind == .request)
        #expect(event.version == "" && event.identifier == "https://data.example.gov.cn/id/\(code)" && event.time == item.received)
        let body = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
        #expect(!body.contains("li@example.org") && !body.contains("线路编号"), "neither the contact nor the text: \(body)")
    }

    @Test("odp run sends the department's subscriber the 纠错与意见 received since it subscribed; one that cannot be reached keeps it due")
    func wiring() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let key = fixture.root.appendingPathComponent("hook.key")
        try Data("k\n".utf8).write(to: key)
        // Port 9 (discard) on loopback: nothing listens, so what was due shows in odp status.
        let config = URL(fileURLWithPath: fixture.configPath)
        try Data((try String(contentsOf: config, encoding: .utf8)
            + "\nwebhooks:\n  - url: http://127.0.0.1:9/department\n    secret: file:\(key.path)\n    events: [feedback_received]\n").utf8).write(to: config)
        _ = try fixture.run()
        #expect(try StatusReport(workspace: try fixture.workspace()).webhookFailures.isEmpty, "only feedback is followed, and there was none")
        let item = try FeedbackBook(state: try fixture.workspace().layout.state).submit(
            dataset: "jtys-bus-stops", FeedbackForm.Submission(kind: .correction, text: "站点坐标有误，请核实"), withheld: false)
        _ = try fixture.run()
        let failures = try StatusReport(workspace: try fixture.workspace()).webhookFailures
        #expect(failures.map(\.event) == ["feedback:\(item.number)"], "\(failures)")
    }

    @Test("odp run's notification names 纠错与意见 still 已收到 after access.review_working_days, by number only, until someone answers")
    func unansweredInTheNotification() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        try (DemoFixture.config + "notify:\n  command: cat > notify.json; printf %s \"$ODP_EVENT_FEEDBACK_OVERDUE\" > feedback-overdue.txt\n")
            .write(toFile: fixture.configPath, atomically: true, encoding: .utf8)
        let book = FeedbackBook(state: try fixture.workspace().layout.state)
        let dataset = "jtys-bus-stops", weeksAgo = Date().addingTimeInterval(-20 * 86_400)
        let stale = try book.submit(dataset: dataset, FeedbackForm.Submission(kind: .correction, text: "站点坐标有误，请核实", contact: "13800001111"),
                                    withheld: false, now: weeksAgo)
        let accepted = try book.submit(dataset: dataset, FeedbackForm.Submission(kind: .request, text: "希望增加线路编号字段"), withheld: false, now: weeksAgo)
        _ = try book.accept(accepted.number, by: "张三")
        let fresh = try book.submit(dataset: dataset, FeedbackForm.Submission(kind: .request, text: "希望按月更新"), withheld: false)
        _ = try fixture.run(.init(datasets: [dataset]))
        let pipelines = URL(fileURLWithPath: fixture.configPath).deletingLastPathComponent()
        let event = try ArtifactCodec.decode(RunNotification.self, from: Data(contentsOf: pipelines.appendingPathComponent("notify.json")), file: "notify.json")
        #expect(event.feedbackOverdue.map(\.number) == [stale.number], "not \(accepted.number) (answered) nor \(fresh.number) (new)")
        #expect(event.feedbackOverdue.first?.dataset == dataset && (event.feedbackOverdue.first?.workingDays ?? 0) > 5)
        #expect(try String(contentsOf: pipelines.appendingPathComponent("feedback-overdue.txt"), encoding: .utf8) == stale.number)
        let text = try String(contentsOf: pipelines.appendingPathComponent("notify.json"), encoding: .utf8)
        #expect(!text.contains("13800001111") && !text.contains("站点坐标"), "neither contact nor text")
    }
}
