import Foundation
import ODPCore

/// A configured target that cannot be used this run (its secret cannot be read). Every
/// call fails with that reason, so the datasets that upload to it fail, naming the target
/// and the secret, while the other targets and the run's report go on.
final class UnavailableTarget: PublishTarget {
    let settings: TargetSettings
    private let reason: Error

    init(settings: TargetSettings, reason: Error) {
        self.settings = settings
        self.reason = reason
    }

    func publish(_ job: PublishJob, session: PublishSession) throws { throw reason }

    func existingVersions(dataset: String, catalog: CatalogMetadata, day: String) throws -> [String] { throw reason }

    func withdraw(_ job: WithdrawJob, session: WithdrawSession) throws { throw reason }
}
