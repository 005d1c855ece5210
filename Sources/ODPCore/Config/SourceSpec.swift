/// Where a dataset's rows come from. Format-specific options are typed here so a typo is
/// caught by `odp validate`; the readers live in ODPExtract.
public struct SourceSpec: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case sqlite, postgres, csv, xlsx, json, ndjson
    }

    /// What to do with a row the reader cannot parse (ragged, bad bytes, unclosed quote).
    public enum OnError: String, Sendable, Hashable, CaseIterable {
        /// Leave the row out and list it in the department feedback.
        case reject
        /// Stop the dataset.
        case fail
    }

    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case utf8 = "utf-8", gb18030, gbk, auto
    }

    public struct Connection: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var database: String
        public var user: String
        public var password: SecretRef?
        /// libpq sslmode: disable, prefer, require, verify-ca, verify-full
        public var sslMode: String
        public var sslRootCert: String?
        public init(host: String, port: Int = 5432, database: String, user: String, password: SecretRef? = nil,
                    sslMode: String = "prefer", sslRootCert: String? = nil) {
            self.host = host
            self.port = port
            self.database = database
            self.user = user
            self.password = password
            self.sslMode = sslMode
            self.sslRootCert = sslRootCert
        }
    }

    /// Incremental extraction by a watermark column.
    public struct Incremental: Sendable, Hashable {
        public enum Mode: String, Sendable, Hashable, CaseIterable { case merge, full }
        /// What a row whose watermark is NULL (or empty) means.
        public enum NullPolicy: String, Sendable, Hashable, CaseIterable {
            /// Read it on every run, as if just changed (the upsert makes that cheap).
            case changed
            /// Leave it out and list it for the department (问题数据清单).
            case reject
            /// Stop the dataset.
            case fail
        }
        /// When reconciliation (key-range checksums against the staging copy) runs.
        public enum ReconcileSchedule: Sendable, Hashable {
            case everyRun
            case cycle(UpdateCycle)
        }
        /// Column whose value only grows (e.g. `updated_at`).
        public var watermark: String
        /// Source column that marks a row as deleted (truthy: 1, true, Y, 是).
        public var deletedFlag: String?
        public var mode: Mode
        /// How far before the stored watermark the next read starts: seconds for a date-time
        /// watermark (whole days, rounded up, for a date), units for a numeric one.
        public var lookback: Int
        public var nullWatermark: NullPolicy
        public var reconcile: ReconcileSchedule
        /// One hour: `now()` in PostgreSQL is the transaction's start, so a transaction that
        /// commits after the read stamps rows earlier than the watermark; an hour covers long
        /// batch transactions and clock skew between application servers, and re-reading an
        /// hour of changes costs little because the merge is an idempotent upsert.
        public static let defaultLookback = 3600
        public init(watermark: String, deletedFlag: String? = nil, mode: Mode = .merge, lookback: Int = Incremental.defaultLookback,
                    nullWatermark: NullPolicy = .changed, reconcile: ReconcileSchedule = .everyRun) {
            self.watermark = watermark
            self.deletedFlag = deletedFlag
            self.mode = mode
            self.lookback = lookback
            self.nullWatermark = nullWatermark
            self.reconcile = reconcile
        }
    }

    public var kind: Kind
    /// File path (resolved against the definition's folder) for file and SQLite sources.
    public var path: String?
    /// `allow_outside: true`: `path` may lead out of the pipeline folder (see `SourcePathPolicy`).
    public var allowOutside = false
    public var table: String?
    public var query: String?
    /// Query parameters ($1, $2 … / ?), as text.
    public var parameters: [String]
    /// `probe` (postgres): a cheap query whose answer changes whenever the data does
    /// (`SELECT max(updated_at), count(*) FROM t`); an equal answer lets a run skip the dataset.
    public var probe: String?
    public var connection: Connection?
    public var encoding: Encoding
    public var delimiter: UInt8
    public var quote: UInt8?
    public var header: Bool
    /// XLSX sheet by name or 1-based index.
    public var sheet: String?
    /// Rows to skip before the header (titles above a table in department spreadsheets).
    public var skipRows: Int
    /// Lines one quoted CSV field may span (`max_quoted_lines`). A real multi-line cell (an
    /// address, a remark) spans a few lines; a stray quote makes the field run on through
    /// every following row. Past the limit the lines read so far are rejected as one range
    /// and reading resumes at the next line, so a stray quote costs at most this many rows,
    /// and the reader's window stays bounded (100 lines of even 10 KB rows is 1 MB).
    public var maxQuotedLines: Int
    public static let defaultMaxQuotedLines = 100
    public var onError: OnError
    /// `limits:` — bounds on cells, nesting and zip inflation for file sources.
    public var limits = SourceLimits()
    public var incremental: Incremental?
    public var location: SourceLocation

    public init(kind: Kind, path: String? = nil, table: String? = nil, query: String? = nil, parameters: [String] = [],
                connection: Connection? = nil, encoding: Encoding = .utf8, delimiter: UInt8 = UInt8(ascii: ","),
                quote: UInt8? = UInt8(ascii: "\""), header: Bool = true, sheet: String? = nil, skipRows: Int = 0,
                maxQuotedLines: Int = SourceSpec.defaultMaxQuotedLines, onError: OnError = .reject, incremental: Incremental? = nil, location: SourceLocation = SourceLocation(file: "")) {
        self.kind = kind
        self.path = path
        self.table = table
        self.query = query
        self.parameters = parameters
        self.connection = connection
        self.encoding = encoding
        self.delimiter = delimiter
        self.quote = quote
        self.header = header
        self.sheet = sheet
        self.skipRows = skipRows
        self.maxQuotedLines = maxQuotedLines
        self.onError = onError
        self.incremental = incremental
        self.location = location
    }
}
