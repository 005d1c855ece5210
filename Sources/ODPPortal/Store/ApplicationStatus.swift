import Foundation
import ODPCore

/// What the applicant may see of their application: its own progress, never personal data.
struct ApplicationStatus {
    var application: AccessApplication
    var title: String
    var reviewWorkingDays: Int
    /// Working days waited so far; nil once decided.
    var pendingWorkingDays: Int?

    init(_ application: AccessApplication, title: String, reviewWorkingDays: Int, now: Date = Date()) {
        self.application = application
        self.title = title
        self.reviewWorkingDays = reviewWorkingDays
        pendingWorkingDays = application.status == .pending ? (WorkingDays.between(application.submitted, now) ?? 0) : nil
    }

    var json: ArtifactJSON {
        let a = application
        var o: ArtifactJSON = [
            "application": .string(a.number), "dataset": .string(a.dataset), "dataset_title": .string(title),
            "status": .string(a.status.rawValue), "status_title": .string(a.status.title), "submitted": .string(a.submitted),
            "review_working_days": .int(Int64(reviewWorkingDays)), "decided": ArtifactJSON(a.decided), "note": ArtifactJSON(a.note),
        ]
        if let age = pendingWorkingDays {
            o["pending_working_days"] = .int(Int64(age))
            o["overdue"] = .bool(age > reviewWorkingDays)
        }
        if a.status == .approved || a.status == .revoked {
            o["expires"] = ArtifactJSON(a.expires)
            o["first_version"] = ArtifactJSON(a.firstVersion)
            o["last_version"] = ArtifactJSON(a.lastVersion)
            o["revoked"] = ArtifactJSON(a.revoked)
            o["downloads"] = .int(Int64(a.downloads))
            o["api_calls"] = .int(Int64(a.apiCalls))
        }
        return o
    }
}
