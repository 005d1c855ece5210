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
    /// The version this writer will create (unless the data turns out unchanged).
    public let version: String
    let datasetDirectory: URL
    let temporaryDirectory: URL
    /// The data files' deflate streams, made while they are written (outside the release folder).
    let spoolDirectory: URL
    let zipWriter = ZipWriter()
    let previous: ReleaseInfo?
    private let previousFields: [String]?
    private let keyColumns: [Int]
    private let sharedColumns: [Int]?
    private var data: DataFileWriter?
    private var finished = false

    /// - Parameters:
    ///   - schema: the OUTPUT schema (after desensitization); column i of each batch is field i.
    ///   - runTime: the release time, recorded as metadata and used for the version's day.
    ///   - signingKey: a 32-byte Ed25519 seed (see `ReleaseSigning.loadKey`); signs SHA256SUMS.
    ///   - codeTables: loaded code tables; a short table becomes the `enum` of its `code` fields in datapackage.json.
    ///   - minimumVersion: the highest version known elsewhere (upload targets, receipts); the new
    ///     version comes after it, so a version published before the local folders were lost is
    ///     never made again with other bytes.
    public init(definition: DatasetDefinition, schema: Schema, outputRoot: URL, runTime: Date, signingKey: [UInt8]? = nil,
                codeTables: [String: CodeTable] = [:], minimumVersion: String? = nil) throws {
        guard ReleaseWriter.isSafeId(definition.id) else {
            throw ODPError.usage("dataset id `\(definition.id)` must be lowercase ASCII letters, digits and `-`")
        }
        if let key = signingKey, key.count != 32 { throw ODPError.usage("the signing key must be a 32-byte Ed25519 seed") }
        self.definition = definition
        self.schema = schema
        self.outputRoot = outputRoot
        self.runTime = runTime
        self.signingKey = signingKey
        signature = try signingKey.map { ReleaseSignature(publicKey: try ReleaseSigning.publicKey(seed: $0)) }
        self.codeTables = codeTables
        datasetDirectory = ReleaseReader.releasesDirectory(definition.id, outputRoot)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: datasetDirectory, withIntermediateDirectories: true)
        } catch { throw ODPError.io(datasetDirectory.path, "cannot create the release folder: \(error)") }
        for folder in [datasetDirectory, outputRoot.appendingPathComponent("packages"), ReleaseReader.heldRoot(outputRoot).appendingPathComponent("packages")] {
            TemporaryName.sweep(folder, lockHeld: false, recursive: false)
        }

        // Held versions live in their own tree but share the version sequence and change detection.
        let heldDirectory = ReleaseReader.releasesDirectory(definition.id, ReleaseReader.heldRoot(outputRoot))
        let existing = (ReleaseReader.versions(datasetId: definition.id, root: outputRoot)
            + ReleaseReader.versions(datasetId: definition.id, root: ReleaseReader.heldRoot(outputRoot)))
            .sorted { ReleaseVersion($0.version)! < ReleaseVersion($1.version)! }
        previous = existing.last
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
        } catch { throw ODPError.io(temporaryDirectory.path, "cannot create the temporary release folder: \(error)") }

        // Rows are matched with the previous version over the fields both versions have.
        if let previous {
            let header = try? ChangeLog.header(ofRelease: previous.directory, datasetId: definition.id)
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
    }

    deinit { if !finished { abandon() } }

    /// Streams a batch to the data files. Columns follow `schema`.
    public func write(_ batch: RowBatch) throws {
        guard let data else { throw ODPError.usage("release writer already finished") }
        do { try data.write(batch) } catch { abandon(); throw error }
    }

    /// Removes the temporary files (after a failure upstream). Safe to call twice.
    public func abandon() {
        data?.discard()
        data = nil
        finished = true
        try? FileManager.default.removeItem(at: temporaryDirectory)
        try? FileManager.default.removeItem(at: spoolDirectory)
        removeDatasetDirectoryIfEmpty()
    }

    /// A dataset whose first run failed or was held has nothing under `releases/<id>/`: leave no empty folder there.
    private func removeDatasetDirectoryIfEmpty() {
        _ = rmdir(datasetDirectory.path)
    }

    /// Completes the release: unchanged → nothing written; otherwise every file, checksums,
    /// signature, zip, the atomic rename, and `latest.json` when `status` is `.released`.
    ///
    /// - Parameter gate: inspects every file but the data files (whose cells were scanned as
    ///   they were written) before anything is promoted; a finding holds the release. Nil only
    ///   where nothing is published (tests of the writer itself).
    public func finish(reports: [StageReport], status: ReleaseStatus, gate: (any PublishedFileGate)?) throws -> ReleaseOutcome {
        guard let data, !finished else { throw ODPError.usage("release writer already finished") }
        do {
            let outcome = try complete(data: data, reports: reports, status: status, gate: gate)
            finished = true
            self.data = nil
            return outcome
        } catch {
            abandon()
            throw error
        }
    }

    private func complete(data: DataFileWriter, reports: [StageReport], status: ReleaseStatus, gate: (any PublishedFileGate)?) throws -> ReleaseOutcome {
        var status = status
        let digests = try data.finish(schemaJSON: DataPackage.schemaFingerprintJSON(schema))
        let previousWasHeld = previous.map { ReleaseReader.isHeld($0.directory, root: outputRoot) } ?? false
        let requestedHeld: Bool = if case .held = status { true } else { false }
        // A held version is not "unchanged" for a run that now passes: that run needs its own release.
        // Nor is one with other data files: a changed `formats` takes effect at once, not at the next data change.
        let sameFormats = previous.map { previous in
            DatasetDefinition.DataFormat.allCases.allSatisfy { format in
                FileManager.default.fileExists(atPath: previous.directory.appendingPathComponent("data/\(definition.id).\(format.rawValue)").path)
                    == definition.formats.contains(format)
            }
        } ?? false
        // Likewise a new or changed signing key: the next run gives researchers a release signed with it.
        let sameSigner = previous.map { ReleaseSignature.of(release: $0.directory) == signature } ?? false
        // And a version made before the published-file gate: its reports were never scanned.
        let previousGated = (previous?.publishedFileGate ?? 0) >= ReleaseDescription.publishedFileGateVersion
        if let previous, previous.contentHash == digests.contentHash, sameFormats, sameSigner, previousGated, !previousWasHeld || requestedHeld {
            data.discard()
            try? FileManager.default.removeItem(at: temporaryDirectory)
            try? FileManager.default.removeItem(at: spoolDirectory)
            let previousRoot = previous.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let zip = previousRoot.appendingPathComponent("packages/\(definition.id)-\(previous.version).zip")
            return ReleaseOutcome(kind: .unchanged(previous.version), version: previous.version, directory: previous.directory,
                                  zip: FileManager.default.fileExists(atPath: zip.path) ? zip : nil, status: previous.status,
                                  contentHash: previous.contentHash, rowCount: previous.rowCount, bytes: 0, files: [], changes: nil)
        }
        var changes: ChangeSummary?
        if let previous {
            changes = try ChangeLog.compare(current: data, previous: previous, datasetId: definition.id, schema: schema,
                                            keyColumns: keyColumns, sharedColumns: sharedColumns ?? [], previousFields: previousFields ?? [])
        }
        let id = definition.id
        var files = [ReleaseFile(path: "data/\(id).csv", bytes: digests.csv.bytes, sha256: SHA256Hex.hex(digests.csv.sha256))]
        if let json = digests.json {
            files.append(ReleaseFile(path: "data/\(id).json", bytes: json.bytes, sha256: SHA256Hex.hex(json.sha256)))
        }
        let dataFiles = files
        var info = ReleaseDescription(definition: definition, schema: schema, version: version, created: ReleaseTime.iso(runTime),
                                      rowCount: data.rowCount, status: status, contentHash: digests.contentHash,
                                      previousVersion: previous?.version, changes: changes, dataFiles: dataFiles,
                                      codeTables: codeTables,
                                      signature: signature)
        var metadata = try metadataFiles(info, reports: reports)
        let findings = gate.map { gate in metadata.flatMap { gate.inspect(file: $0.name, bytes: $0.bytes) } } ?? []
        if !findings.isEmpty {
            // The reasons name files and places, never values, so the held files can say them.
            var reasons = status.holdReasons
            for reason in findings.map(\.reason) where !reasons.contains(reason) { reasons.append(reason) }
            status = .held(reasons)
            info.status = status
            metadata = try metadataFiles(info, reports: reports)
        }
        let nowHeld: Bool = if case .held = status { true } else { false }
        for (name, bytes) in metadata {
            try DurableFile.write(bytes, to: temporaryDirectory.appendingPathComponent(name))
            files.append(ReleaseFile(path: name, bytes: bytes.count, sha256: SHA256Hex.of(bytes)))
        }
        files.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        let sums = ReleaseChecksums.sumsFile(files)
        try DurableFile.write(sums, to: temporaryDirectory.appendingPathComponent(ReleaseChecksums.sumsName))
        if let signingKey {
            let signature = try ReleaseSigning.sign(sums, seed: signingKey)
            try DurableFile.write(signature, to: temporaryDirectory.appendingPathComponent(ReleaseChecksums.signatureName))
        }
        DurableFile.syncDirectory(temporaryDirectory.appendingPathComponent("data"))
        DurableFile.syncDirectory(temporaryDirectory)

        // Fail closed: a release the gate holds may carry what the gate caught, so neither it nor
        // its zip goes where releases are served or uploaded from.
        let targetRoot = nowHeld ? ReleaseReader.heldRoot(outputRoot) : outputRoot
        let targetDirectory = ReleaseReader.releasesDirectory(id, targetRoot)
        try FileManager.default.createDirectory(at: targetDirectory, withIntermediateDirectories: true)
        let packages = targetRoot.appendingPathComponent("packages")
        try FileManager.default.createDirectory(at: packages, withIntermediateDirectories: true)
        let zip = packages.appendingPathComponent("\(id)-\(version).zip")
        let zipTemp = packages.appendingPathComponent(TemporaryName.release("\(id)-\(version)", extension: "zip"))
        let streams = try data.deflated()
        var deflated: [String: DeflateSpool.Stream] = [:]
        deflated["data/\(id).csv"] = streams.csv
        deflated["data/\(id).json"] = streams.json
        try ZipWriter.archive(directory: temporaryDirectory, prefix: "\(id)-\(version)", to: zipTemp, writer: zipWriter, deflated: deflated)
        try? FileManager.default.removeItem(at: spoolDirectory)
        if let gate, !nowHeld {
            try inspectZip(zipTemp, prefix: "\(id)-\(version)", expected: files.map(\.path) + [ReleaseChecksums.sumsName]
                           + (signingKey == nil ? [] : [ReleaseChecksums.signatureName]), gate: gate)
        }
        let final = targetDirectory.appendingPathComponent(version)
        guard rename(zipTemp.path, zip.path) == 0 else { throw ODPError.io(zip.path, "cannot rename the zip into place") }
        DurableFile.syncDirectory(packages)
        guard rename(temporaryDirectory.path, final.path) == 0 else {
            throw ODPError.io(final.path, "cannot rename the release into place: \(String(cString: strerror(errno)))")
        }
        DurableFile.syncDirectory(datasetDirectory)
        DurableFile.syncDirectory(targetDirectory)
        if nowHeld { removeDatasetDirectoryIfEmpty() }
        if case .released = status {
            try ReleaseWriter.writeLatest(datasetId: id, version: version, contentHash: digests.contentHash, root: outputRoot)
        }
        let all = files + [ReleaseFile(path: ReleaseChecksums.sumsName, bytes: sums.count, sha256: SHA256Hex.of(sums))]
        return ReleaseOutcome(kind: .created(version), version: version, directory: final, zip: zip, status: status.slug,
                              contentHash: digests.contentHash, rowCount: data.rowCount, bytes: all.reduce(0) { $0 + $1.bytes },
                              files: files, changes: changes, gateFindings: findings)
    }

    /// The report files, descriptor, README and release.json, in memory so the gate sees them
    /// before anything is written.
    private func metadataFiles(_ info: ReleaseDescription, reports: [StageReport]) throws -> [(name: String, bytes: Data)] {
        var out: [(name: String, bytes: Data)] = []
        for report in reports {
            for (name, bytes) in report.files.sorted(by: { $0.key < $1.key }) {
                guard ReleaseWriter.isSafeReportName(name) else { throw ODPError.usage("report file name `\(name)` is not allowed in a release") }
                out.append((name, bytes))
            }
        }
        out.append(("datapackage.json", try DataPackage.json(info)))
        out.append(("README.md", Data(ReleaseReadme.markdown(info, reports: reports).utf8)))
        out.append(("release.json", try info.releaseJSON()))
        return out
    }

    /// Reads the zip back: it must hold exactly the release's files under its prefix, and every
    /// entry but the data files passes the gate again, as the bytes a downloader will get.
    private func inspectZip(_ zip: URL, prefix: String, expected: [String], gate: any PublishedFileGate) throws {
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
        guard let info = ReleaseReader.info(datasetId: datasetId, directory: dir, latest: nil) else {
            throw ODPError.usage("release \(datasetId) \(version) does not exist or is incomplete")
        }
        try writeLatest(datasetId: datasetId, version: version, contentHash: info.contentHash, root: root)
    }

    static func writeLatest(datasetId: String, version: String, contentHash: String, root: URL) throws {
        let object: [String: Any] = ["dataset_id": datasetId, "version": version, "content_hash": contentHash,
                                     "path": "\(version)/"]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        try DurableFile.replace(data + Data("\n".utf8), at: ReleaseReader.releasesDirectory(datasetId, root).appendingPathComponent("latest.json"))
    }

    static func isSafeId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D } && !id.hasPrefix("-")
    }

    static let reservedNames: Set<String> = ["datapackage.json", "README.md", "release.json", "SHA256SUMS", "SHA256SUMS.sig", "data"]

    static func isSafeReportName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\\") && !reservedNames.contains(name)
    }
}
