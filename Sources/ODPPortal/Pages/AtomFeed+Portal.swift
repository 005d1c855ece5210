import ODPCore

/// The portal's records as feed entries (the feed itself is built in ODPCore, shared with
/// the catalog step's feed files).
extension AtomFeed.Dataset {
    init(_ r: DatasetRecord) { self.init(id: r.id, code: r.code, title: r.title, provider: r.provider) }
}

extension AtomFeed {
    static func version(_ r: DatasetRecord, _ v: VersionRecord) -> Entry {
        version(Dataset(r), version: v.version, created: v.created, changeSummary: v.changeSummary, rowCount: v.rowCount)
    }

    static func erratum(_ r: DatasetRecord, _ e: Erratum) -> Entry { erratum(Dataset(r), e) }
}
