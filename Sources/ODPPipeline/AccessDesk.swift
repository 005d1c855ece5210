import Foundation
import ODPCore

/// The data officer's side of 有条件开放 outside the portal: `odp access` decides, revokes,
/// lists and purges; `odp run` purges and finds overdue applications (and unanswered
/// 纠错与意见) for the notification.
/// Every change is recorded in the audit trail by application number only.
public struct AccessDesk {
    let workspace: Workspace
    let audit: AuditTrail
    public var book: AccessBook { AccessBook(state: workspace.layout.state) }
    var settings: AccessSettings { workspace.config.access }

    public init(workspace: Workspace, audit: AuditTrail) {
        self.workspace = workspace
        self.audit = audit
    }

    /// Approves and returns the token (`days` defaults to `access.token_days`).
    public func approve(_ number: String, by: String, note: String?, days: Int?, firstVersion: String?, lastVersion: String?) throws
        -> (AccessApplication, token: String) {
        let (a, token) = try book.approve(number, by: by, note: note, days: days ?? settings.tokenDays, firstVersion: firstVersion, lastVersion: lastVersion)
        try audit.record("access_approved", dataset: a.dataset, details: AuditDetails(version: firstVersion ?? lastVersion, by: by, application: number))
        return (a, token)
    }

    public func reject(_ number: String, by: String, note: String?) throws -> AccessApplication {
        let a = try book.reject(number, by: by, note: note)
        try audit.record("access_rejected", dataset: a.dataset, details: AuditDetails(by: by, application: number))
        return a
    }

    public func revoke(_ number: String, by: String, note: String?) throws -> AccessApplication {
        let a = try book.revoke(number, by: by, note: note)
        try audit.record("access_revoked", dataset: a.dataset, details: AuditDetails(by: by, application: number))
        return a
    }

    /// Empties the personal data of applications past `access.retention_days`, and the
    /// contact of public feedback answered longer ago than that.
    public func purge(now: Date = Date()) throws -> [String] {
        let purged = try book.purge(retentionDays: settings.retentionDays, now: now)
        if !purged.isEmpty { try audit.record("access_purged", details: AuditDetails(files: purged.count)) }
        let contacts = try FeedbackBook(state: workspace.layout.state).purgeContacts(retentionDays: settings.retentionDays, now: now)
        if !contacts.isEmpty { try audit.record("feedback_contacts_purged", details: AuditDetails(files: contacts.count)) }
        return purged
    }

    /// Pending applications waiting longer than `access.review_working_days`.
    public func overdue(now: Date = Date()) throws -> [RunNotification.Application] {
        try book.overdue(limit: settings.reviewWorkingDays, now: now).map { Self.waiting($0.number, $0.dataset, since: $0.submitted, now: now) }
    }

    /// 纠错与意见 no one answered within the same `access.review_working_days`.
    public func feedbackOverdue(now: Date = Date()) throws -> [RunNotification.Application] {
        try FeedbackBook(state: workspace.layout.state).unanswered(limit: settings.reviewWorkingDays, now: now).map {
            Self.waiting($0.number, $0.dataset, since: $0.received, now: now)
        }
    }

    private static func waiting(_ number: String, _ dataset: String, since: String, now: Date) -> RunNotification.Application {
        RunNotification.Application(number: number, dataset: dataset, submitted: since, workingDays: WorkingDays.between(since, now) ?? 0)
    }
}
