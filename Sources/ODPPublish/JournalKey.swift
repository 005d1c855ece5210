import ODPCore

/// A file of a release on a target: what a receipt or an intent is about.
struct JournalKey: Hashable {
    var target: String
    var dataset: String
    var version: String
    var file: String
}

extension Receipt {
    var key: JournalKey { JournalKey(target: target, dataset: dataset, version: version, file: file) }
}

extension UploadIntent {
    var key: JournalKey { JournalKey(target: target, dataset: dataset, version: version, file: file) }
}
