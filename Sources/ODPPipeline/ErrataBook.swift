import Foundation
import ODPCore
import ODPRelease

/// Correction notices (勘误) on published versions: `odp erratum` records them in
/// `state/errata.json` and the audit trail; the portal and the feeds show them. The text is
/// published, so it passes the same identifier scan as every published file first.
public struct ErrataBook {
    public static let maxLength = 2000
    let layout: OutputLayout

    public init(layout: OutputLayout) { self.layout = layout }

    var url: URL { layout.state.appendingPathComponent("errata.json") }

    public func list(dataset: String? = nil) throws -> [Erratum] {
        let all = try ArtifactCodec.read(ErrataList.self, at: url)?.errata ?? []
        return dataset.map { id in all.filter { $0.dataset == id } } ?? all
    }

    /// Records a notice on a published version; returns it with its number.
    public func record(dataset: String, version: String, text: String, by: String, fixedIn: String?, now: Date = Date()) throws -> Erratum {
        let text = try PublishedNote.check(text, what: "勘误说明", option: "--text", maxLength: Self.maxLength, code: .erratumRejected, now: now)
        try requirePublished(dataset, version)
        if let fixedIn { try requirePublished(dataset, fixedIn) }
        var recorded: Erratum?
        try ArtifactCodec.update(ErrataList.self, at: url, empty: ErrataList()) { list in
            let n = list.of(dataset: dataset).count + 1
            let erratum = Erratum(number: "\(dataset)-E\(n)", dataset: dataset, version: version, text: text, by: by,
                                  recorded: ReleaseTime.iso(now), fixedIn: fixedIn)
            list.errata.append(erratum)
            recorded = erratum
        }
        let erratum = recorded!
        try AuditTrail(url: layout.auditLog).record("erratum_recorded", dataset: dataset,
                                                    details: AuditDetails(version: version, by: by, note: "\(erratum.number): \(text)"))
        return erratum
    }

    /// Links a notice to the version that corrects it.
    public func markFixed(number: String, in version: String, by: String) throws -> Erratum {
        var fixed: Erratum?
        try ArtifactCodec.update(ErrataList.self, at: url, empty: ErrataList()) { list in
            guard let i = list.errata.firstIndex(where: { $0.number == number }) else {
                throw ODPError.usage("没有编号为 \(number) 的勘误（no such erratum）；用 odp erratum DATASET --list 查看").coded(.erratumRejected)
            }
            try requirePublished(list.errata[i].dataset, version)
            list.errata[i].fixedIn = version
            fixed = list.errata[i]
        }
        try AuditTrail(url: layout.auditLog).record("erratum_fixed", dataset: fixed!.dataset,
                                                    details: AuditDetails(version: version, by: by, note: number))
        return fixed!
    }

    private func requirePublished(_ dataset: String, _ version: String) throws {
        guard try ReleaseReader.versions(datasetId: dataset, root: layout.root).contains(where: { $0.version == version }) else {
            throw ODPError.usage("\(dataset) 没有已发布的版本 \(version)（no release）；勘误只能记在已发布的版本上，用 odp status 查看版本").coded(.noRelease)
        }
    }
}
