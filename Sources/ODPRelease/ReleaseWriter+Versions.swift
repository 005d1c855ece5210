import Foundation
import ODPCore

/// What the orchestration needs to ask upload targets which versions they already hold
/// before a writer picks its own (see `ReleaseWriter.init`'s `minimumVersion`).
extension ReleaseWriter {
    /// The `YYYY.MM.DD` day every version made at `runTime` starts with.
    public static func versionDay(_ runTime: Date) -> String { ReleaseTime.versionDay(runTime) }

    /// The newest of `versions` by version order (`2026.12.07.10` after `2026.12.07.9`);
    /// text that is not a version is ignored.
    public static func newestVersion(_ versions: [String]) -> String? {
        versions.compactMap(ReleaseVersion.init).max()?.text
    }
}
