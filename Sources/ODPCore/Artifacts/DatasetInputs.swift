/// What one dataset's last finished run read, so the next run can tell cheaply that nothing
/// changed and skip the dataset (no extraction, no target request). Part of `DatasetState`.
///
/// ## Edge behaviour
/// - `settings` covers everything besides the source that shapes a release: the definition
///   text, the code tables, the keys (as a one-way digest), the targets, the versions of the
///   datasets its `reference` rules read and, for age bands, the run date.
/// - `files` are compared by size and modification/change times first; only a file whose
///   stamp moved is hashed, and an equal hash still counts as unchanged (a `touch`).
/// - `probe` is the digest of the database probe's answer (nil for file sources).
public struct DatasetInputs: Codable, Sendable, Equatable {
    public var settings: String
    public var files: [SourceFileStamp]
    public var probe: String?

    public init(settings: String, files: [SourceFileStamp] = [], probe: String? = nil) {
        self.settings = settings
        self.files = files
        self.probe = probe
    }
}

/// One source file as a run found it: stat fields for the cheap comparison, and its SHA-256
/// for when the stat fields moved.
public struct SourceFileStamp: Codable, Sendable, Equatable {
    public var path: String
    public var size: Int64
    /// Modification and status-change times in nanoseconds since 1970 (a copy that kept the
    /// modification time still gets a new change time).
    public var mtimeNanos: Int64
    public var ctimeNanos: Int64
    public var sha256: String

    enum CodingKeys: String, CodingKey {
        case path, size, mtimeNanos = "mtime_ns", ctimeNanos = "ctime_ns", sha256
    }

    public init(path: String, size: Int64, mtimeNanos: Int64, ctimeNanos: Int64, sha256: String) {
        self.path = path
        self.size = size
        self.mtimeNanos = mtimeNanos
        self.ctimeNanos = ctimeNanos
        self.sha256 = sha256
    }

    /// Same size and times: the content is taken as unchanged without reading it.
    public func sameStat(_ other: SourceFileStamp) -> Bool {
        path == other.path && size == other.size && mtimeNanos == other.mtimeNanos && ctimeNanos == other.ctimeNanos
    }
}
