import Foundation
import ODPCore

/// Writes one release of one dataset: data files streamed from row batches, then the
/// descriptor, README, reports, checksums, signature and zip, all under a temporary name
/// that is renamed into place at the end, so a release is either complete or absent.
///
/// ```swift
/// let writer = try ReleaseWriter(definition: def, schema: outSchema, outputRoot: root, runTime: Date())
/// for batch in batches { try writer.write(batch) }
/// let outcome = try writer.finish(reports: [quality, privacy], status: .released, gate: scanner)
/// ```
///
/// ## Versions
/// `YYYY.MM.DD.N` (UTC day of `runTime`, N from 1). When the content hash (SHA-256 of the
/// CSV bytes followed by the schema JSON) equals the newest version's, nothing is written
/// and the outcome is `.unchanged`.
public final class ReleaseWriter {
    public let definition: DatasetDefinition
    public let schema: Schema
    public let outputRoot: URL
    public let runTime: Date
    let signingKey: [UInt8]?
    /// The public half of `signingKey`, as the release states it.
    let signature: ReleaseSignature?
    let codeTables: [String: CodeTable]
    let publishing: ReleasePublishing
    /// The version this writer will create (unless the data turns out unchanged).
    public let version: String
    let datasetDirectory: URL
    let temporaryDirectory: URL
    /// The data files' deflate streams, made while they are written (outside the release folder).
    let spoolDirectory: URL
    let zipWriter = ZipWriter()
    /// The newest version, held or not: the base for "unchanged".
    let previous: ReleaseInfo?
    /// The public version (`latest.json`) the change log and the delta compare with: what
    /// researchers have. A held or unapproved version was never published; its number and
    /// key values must not reach a published file.
    let compared: ReleaseInfo?
    let previousFields: [String]?
    let keyColumns: [Int]
    let sharedColumns: [Int]?
    private var data: DataFileWriter?
    /// The Parquet copy (`release.formats` holds `parquet`), written from the same batches.
    private var parquet: ParquetWriter?
    /// The SQLite copy (`release.formats` holds `sqlite`), for the rows API and for download.
    private var sqlite: SQLiteRowsWriter?
    private var finished = false

    /// - Parameters:
    ///   - schema: the OUTPUT schema (after desensitization); column i of each batch is field i.
    ///   - runTime: the release time, recorded as metadata and used for the version's day.
    ///   - signingKey: a 32-byte Ed25519 seed (see `ReleaseSigning.loadKey`); signs SHA256SUMS.
    ///   - codeTables: loaded code tables; a short table becomes the `enum` of its `code` fields in datapackage.json.
    ///   - minimumVersion: the highest version known elsewhere (upload targets, receipts); the new
    ///     version comes after it, so a version published before the local folders were lost is
    ///     never made again with other bytes.
    ///   - publishing: the publisher and public base URL, for the version's identifiers and citation.
    public init(definition: DatasetDefinition, schema: Schema, outputRoot: URL, runTime: Date, signingKey: [UInt8]? = nil,
                codeTables: [String: CodeTable] = [:], minimumVersion: String? = nil, publishing: ReleasePublishing = ReleasePublishing()) throws {
        guard ReleaseWriter.isSafeId(definition.id) else {
            throw ODPError.usage("数据集标识（dataset id）`\(definition.id)` 只能由小写字母、数字和 `-` 组成")
        }
        if let key = signingKey, key.count != 32 { throw ODPError.usage("the signing key must be a 32-byte Ed25519 seed") }
        self.definition = definition
        self.schema = schema
        self.outputRoot = outputRoot
        self.runTime = runTime
        self.signingKey = signingKey
        signature = try signingKey.map { ReleaseSignature(publicKey: try ReleaseSigning.publicKey(seed: $0)) }
        self.codeTables = codeTables
        self.publishing = publishing
        datasetDirectory = ReleaseReader.releasesDirectory(definition.id, outputRoot)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: datasetDirectory, withIntermediateDirectories: true)
        } catch { throw ODPError.from(error, path: datasetDirectory.path) }
        for folder in [datasetDirectory, outputRoot.appendingPathComponent("packages"), ReleaseReader.heldRoot(outputRoot).appendingPathComponent("packages")] {
            TemporaryName.sweep(folder, lockHeld: false, recursive: false)
        }

        // Held versions live in their own tree but share the version sequence and change detection.
        let heldDirectory = ReleaseReader.releasesDirectory(definition.id, ReleaseReader.heldRoot(outputRoot))
        let existing = (try ReleaseReader.versions(datasetId: definition.id, root: outputRoot)
            + ReleaseReader.versions(datasetId: definition.id, root: ReleaseReader.heldRoot(outputRoot)))
            .sorted { ReleaseVersion($0.version)! < ReleaseVersion($1.version)! }
        previous = existing.last
        compared = try ReleaseReader.latest(datasetId: definition.id, root: outputRoot)
        let day = ReleaseTime.versionDay(runTime)
        let names = ((try? fm.contentsOfDirectory(atPath: datasetDirectory.path)) ?? [])
            + ((try? fm.contentsOfDirectory(atPath: heldDirectory.path)) ?? [])
        let taken = names.compactMap(ReleaseVersion.init) + [minimumVersion.flatMap(ReleaseVersion.init)].compactMap { $0 }
        let sequence = taken.filter { $0.day == day }.map(\.sequence).max() ?? 0
        version = "\(day).\(sequence + 1)"
        temporaryDirectory = datasetDirectory.appendingPathComponent(TemporaryName.release(version))
        spoolDirectory = datasetDirectory.appendingPathComponent(TemporaryName.release("deflate-\(version)"))
        try? fm.removeItem(at: temporaryDirectory)
        try? fm.removeItem(at: spoolDirectory)
        do {
            try fm.createDirectory(at: temporaryDirectory.appendingPathComponent("data"), withIntermediateDirectories: true)
            try fm.createDirectory(at: spoolDirectory, withIntermediateDirectories: true)
        } catch { throw ODPError.from(error, path: temporaryDirectory.path) }

        // Rows are matched with the public version over the fields both versions have.
        if let compared {
            let header = try? ChangeLog.header(ofRelease: compared.directory, datasetId: definition.id)
            previousFields = header
            let shared = schema.fields.indices.filter { header?.contains(schema.fields[$0].name) ?? false }
            sharedColumns = shared
            let keys = definition.primaryKey.compactMap { schema.index(of: $0) }
            keyColumns = keys.count == definition.primaryKey.count && keys.allSatisfy(shared.contains) && !keys.isEmpty ? keys : []
        } else {
            previousFields = nil
            sharedColumns = nil
            keyColumns = []
        }
        let dataDir = temporaryDirectory.appendingPathComponent("data")
        let withJSON = definition.formats.contains(.json)
        data = try DataFileWriter(schema: schema, csvURL: dataDir.appendingPathComponent("\(definition.id).csv"),
                                  jsonURL: withJSON ? dataDir.appendingPathComponent("\(definition.id).json") : nil, bom: definition.csvBOM,
                                  keyColumns: keyColumns, fingerprintColumns: sharedColumns, spoolDirectory: spoolDirectory, zip: zipWriter)
        if definition.formats.contains(.parquet) {
            do {
                parquet = try ParquetWriter(schema: schema, url: dataDir.appendingPathComponent("\(definition.id).parquet"))
            } catch { abandon(); throw error }
        }
        if definition.formats.contains(.sqlite) {
            do {
                sqlite = try SQLiteRowsWriter(schema: schema, primaryKey: definition.primaryKey,
                                              scratch: spoolDirectory.appendingPathComponent("\(definition.id).sqlite"))
            } catch { abandon(); throw error }
        }
    }

    deinit { if !finished { abandon() } }

    /// Streams a batch to the data files. Columns follow `schema`.
    public func write(_ batch: RowBatch) throws {
        guard let data else { throw ODPError.usage("release writer already finished") }
        do {
            try data.write(batch)
            try parquet?.write(batch)
            try sqlite?.write(batch)
        } catch { abandon(); throw error }
    }

    /// Removes the temporary files (after a failure upstream). Safe to call twice.
    public func abandon() {
        data?.discard()
        data = nil
        parquet?.discard()
        parquet = nil
        sqlite?.discard()
        sqlite = nil
        finished = true
        try? FileManager.default.removeItem(at: temporaryDirectory)
        try? FileManager.default.removeItem(at: spoolDirectory)
        removeDatasetDirectoryIfEmpty()
    }

    /// A dataset whose first run failed or was held has nothing under `releases/<id>/`: leave no empty folder there.
    func removeDatasetDirectoryIfEmpty() {
        _ = rmdir(datasetDirectory.path)
    }

    /// Completes the release: unchanged → nothing written; otherwise every file, checksums,
    /// signature, zip, the atomic rename, and `latest.json` when `status` is `.released`.
    ///
    /// - Parameter gate: inspects every file but the data files (whose cells were scanned as
    ///   they were written; of the SQLite file, its schema and field table, which are no
    ///   cells, are inspected as text) before anything is promoted; a finding holds the release. Nil only
    ///   where nothing is published (tests of the writer itself).
    public func finish(reports: [StageReport], status: ReleaseStatus, gate: (any PublishedFileGate)?) throws -> ReleaseOutcome {
        guard let data, !finished else { throw ODPError.usage("release writer already finished") }
        do {
            let outcome = try complete(data: data, parquet: parquet, sqlite: sqlite, reports: reports, status: status, gate: gate)
            finished = true
            self.data = nil
            parquet = nil
            sqlite = nil
            return outcome
        } catch {
            abandon()
            throw error
        }
    }

    /// The report files, descriptor, README and release.json, in memory so the gate sees them
    /// before anything is written.
    func metadataFiles(_ info: ReleaseDescription, reports: [StageReport]) throws -> [(name: String, bytes: Data)] {
        var out: [(name: String, bytes: Data)] = []
        for report in reports {
            for (name, bytes) in report.files.sorted(by: { $0.key < $1.key }) {
                guard ReleaseWriter.isSafeReportName(name) else { throw ODPError.usage("report file name `\(name)` is not allowed in a release") }
                out.append((name, bytes))
            }
        }
        out.append(("datapackage.json", try DataPackage.json(info)))
        out.append((ReleaseProvenance.fileName, try ProvenanceRecord.json(info, reports: reports)))
        out.append(("CITATION.cff", Data(ReleaseCitation.cff(info).utf8)))
        out.append(("datacite.json", try DataCiteRecord.json(info)))
        out.append(("README.md", Data(ReleaseReadme.markdown(info, reports: reports).utf8)))
        out.append((ReleaseMetadata.fileName, try ArtifactCodec.encode(info.metadata)))
        return out
    }

    /// Reads the zip back: it must hold exactly the release's files under its prefix, and every
    /// entry but the data files passes the gate again, as the bytes a downloader will get.
    func inspectZip(_ zip: URL, prefix: String, expected: [String], gate: any PublishedFileGate) throws {
        let reader = try ZipReader(url: zip)
        let names = reader.entries.map(\.name).filter { !$0.hasSuffix("/") }
        let wanted = Set(expected.map { "\(prefix)/\($0)" })
        guard Set(names) == wanted, names.count == wanted.count else {
            throw ODPError.io(zip.path, "the package does not hold exactly the release's files: \(Set(names).symmetricDifference(wanted).sorted())")
        }
        let dataPrefix = "\(prefix)/data/"
        var findings: [PublishedFileFinding] = []
        for entry in reader.entries where !entry.name.hasPrefix(dataPrefix) {
            guard !entry.name.hasSuffix("/") else { continue }
            var bytes = Data()
            try reader.read(entry) { bytes.append(contentsOf: $0) }
            findings += gate.inspect(file: zip.lastPathComponent + ":" + entry.name, bytes: bytes)
        }
        if !findings.isEmpty {
            throw ODPError.io(zip.path, "the package's entries differ from the scanned files: " + findings.map(\.reason).joined(separator: "; "))
        }
    }

    /// Points `latest.json` at an existing complete version (after a data officer approves it).
    public static func promote(datasetId: String, version: String, root: URL) throws {
        let dir = ReleaseReader.releasesDirectory(datasetId, root).appendingPathComponent(version)
        guard let metadata = try ReleaseMetadata.read(release: dir) else {
            throw ODPError.usage("版本 \(datasetId) \(version) 不存在或不完整（does not exist or is incomplete）").coded(.noRelease)
        }
        try writeLatest(datasetId: datasetId, version: version, contentHash: metadata.contentHash, root: root)
    }

    static func writeLatest(datasetId: String, version: String, contentHash: String, root: URL) throws {
        try LatestPointer(datasetId: datasetId, version: version, contentHash: contentHash)
            .write(datasetDirectory: ReleaseReader.releasesDirectory(datasetId, root))
    }

    static func isSafeId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D } && !id.hasPrefix("-")
    }

    static let reservedNames: Set<String> = ["datapackage.json", "README.md", ReleaseMetadata.fileName, SHA256Sums.fileName, SHA256Sums.signatureName, "data"]

    static func isSafeReportName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\\") && !reservedNames.contains(name)
    }
}
