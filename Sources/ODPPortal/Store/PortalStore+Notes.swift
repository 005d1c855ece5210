import Foundation
import ODPCore

extension PortalStore {
    /// `odp erratum`'s notices (state/errata.json); none when the file is missing or unreadable.
    func errata() -> [Erratum] {
        ((try? ArtifactCodec.read(ErrataList.self, at: root.appendingPathComponent("state/errata.json"))) ?? nil)?.errata ?? []
    }

    /// The public's 纠错与意见 on `dataset`; none when there is no file or it cannot be read.
    func feedback(_ dataset: String) -> [FeedbackItem] {
        (try? FeedbackBook(state: root.appendingPathComponent("state")).items(dataset)) ?? []
    }
}
