import Foundation

/// 更新周期 as calendar periods in Beijing time: 每月 is a calendar month and 每季度 a calendar
/// quarter, not 28 or 90 days, so a monthly dataset released on 31 January and again on
/// 1 February has kept both months, and one released on 1 January and 28 February has not
/// missed any.
extension UpdateCycle {
    /// The period containing `date`, numbered so that consecutive periods differ by one;
    /// nil for 不定期, which has no periods. 实时 counts by day, 每周 by ISO week (Monday
    /// first).
    public func period(of date: Date) -> Int? {
        let day = Int(floor((date.timeIntervalSince1970 + 8 * 3600) / 86_400))
        let civil = CivilDays.civil(day)
        switch self {
        case .realtime, .daily: return day
        case .weekly: return Int(floor(Double(day + 3) / 7))  // 1970-01-01 was a Thursday
        case .monthly: return civil.year * 12 + civil.month - 1
        case .quarterly: return civil.year * 4 + (civil.month - 1) / 3
        case .yearly: return civil.year
        case .irregular: return nil
        }
    }

    /// Whether a dataset last released at `last` should run again at `now` (`--due`): 实时
    /// always, 不定期 never once released, the others once a new period has begun.
    public func isDue(lastRelease last: Date?, now: Date) -> Bool {
        guard let last else { return true }
        if self == .realtime { return true }
        guard let then = period(of: last), let current = period(of: now) else { return false }
        return current > then
    }

    /// Whether a dataset whose latest release was at `last` is overdue (更新不及时) at `now`:
    /// a whole period has ended without a release. A monthly dataset released in October is
    /// overdue from 1 December; the current period still has time. Never for 不定期.
    public func isOverdue(lastRelease last: Date, now: Date) -> Bool {
        guard let then = period(of: last), let current = period(of: now) else { return false }
        return current - then >= 2
    }

    /// The first moment (UTC) of the period after the one containing `date`, for saying by
    /// when the next release is due: a release in period p is needed before p+2 begins.
    public func start(ofPeriod target: Int) -> Date? {
        let day: Int
        switch self {
        case .realtime, .daily: day = target
        case .weekly: day = target * 7 - 3
        case .monthly: day = CivilDays.days(Int(floor(Double(target) / 12)), target - Int(floor(Double(target) / 12)) * 12 + 1, 1)
        case .quarterly:
            let year = Int(floor(Double(target) / 4))
            day = CivilDays.days(year, (target - year * 4) * 3 + 1, 1)
        case .yearly: day = CivilDays.days(target, 1, 1)
        case .irregular: return nil
        }
        return Date(timeIntervalSince1970: Double(day) * 86_400 - 8 * 3600)
    }

    /// When a dataset released at `last` becomes overdue: the start of the second period after.
    public func overdueFrom(lastRelease last: Date) -> Date? {
        period(of: last).flatMap { start(ofPeriod: $0 + 2) }
    }
}

/// Whether a dataset was updated within its 更新周期 (更新及时率), judged from its latest
/// released version's time: an unchanged source keeps the old version and, when a whole
/// period passes like that, the dataset is overdue — the department has not updated it.
public struct DatasetTimeliness: Codable, Sendable, Hashable {
    public var cycle: UpdateCycle
    /// The latest released version's time (ISO 8601 UTC).
    public var lastRelease: String
    public var overdue: Bool
    /// From when it is (or will be) overdue without a new release (ISO 8601 UTC).
    public var overdueFrom: String?

    enum CodingKeys: String, CodingKey { case cycle, overdue, lastRelease = "last_release", overdueFrom = "overdue_from" }

    /// Nil when the release time does not parse.
    public init?(cycle: UpdateCycle, lastRelease: String, now: Date) {
        guard let released = BeijingTime.parse(lastRelease) else { return nil }
        self.cycle = cycle
        self.lastRelease = lastRelease
        overdue = cycle.isOverdue(lastRelease: released, now: now)
        overdueFrom = cycle.overdueFrom(lastRelease: released).map { ISO8601DateFormatter().string(from: $0) }
    }

    /// 按时, 逾期, or 不定期 for a cycle that is never judged: the open list's 更新状态 column.
    public var label: String { cycle == .irregular ? "不定期" : overdue ? "逾期" : "按时" }

    /// The site-wide 更新及时率: the share of judged datasets (不定期 ones are not judged) that
    /// are not overdue; nil when none is judged.
    public static func rate(_ all: [DatasetTimeliness]) -> Double? {
        let judged = all.filter { $0.cycle != .irregular }
        guard !judged.isEmpty else { return nil }
        return Double(judged.filter { !$0.overdue }.count) / Double(judged.count)
    }

    /// "更新及时率 75.0%（3/4 项按时）", or nil when no dataset is judged.
    public static func rateText(_ all: [DatasetTimeliness]) -> String? {
        guard let rate = rate(all) else { return nil }
        let judged = all.filter { $0.cycle != .irregular }
        return String(format: "更新及时率 %.1f%%", rate * 100) + "（\(judged.filter { !$0.overdue }.count)/\(judged.count) 项按时）"
    }
}
