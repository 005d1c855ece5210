import Foundation
import ODPCore

/// The stages of `ReleaseWriter.finish`, in order.
extension ReleaseWriter {
    typealias Digests = (csv: (sha256: [UInt8], bytes: Int), json: (sha256: [UInt8], bytes: Int)?, contentHash: String)

    func complete(data: DataFileWriter, parquet: ParquetWriter?, sqlite: SQLiteRowsWriter?, reports: [StageReport], status: ReleaseStatus,
                  gate: (any PublishedFileGate)?) throws -> ReleaseOutcome {
        let digests = try data.finish(schemaJSON: DataPackage.schemaFingerprintJSON(schema))
        if let previous, isUnchanged(previous, contentHash: digests.contentHash, requested: status) {
            parquet?.discard()
            sqlite?.discard()
            return keepPrevious(previous, data: data)
        }
        let parquetDigest = try parquet?.finish()
        let database = try sqlite?.finish(to: temporaryDirectory.appendingPathComponent("data/\(definition.id).sqlite"))
        var changes = try compared.map {
            try ChangeLog.compare(current: data, previous: $0, datasetId: definition.id, schema: schema,
                                  keyColumns: keyColumns, sharedColumns: sharedColumns ?? [], previousFields: previousFields ?? [])
        }
        let delta = try compared.flatMap { try writeDelta(against: $0) }
        changes?.delta = delta?.summary
        let described = ReleaseDescription(definition: definition, schema: schema, version: version, created: ReleaseTime.iso(runTime),
                                           rowCount: data.rowCount, status: status, contentHash: digests.contentHash,
                                           previousVersion: compared?.version, changes: changes, dataFiles: dataFiles(digests, parquet: parquetDigest) + [database?.file].compactMap { $0 },
                                           codeTables: codeTables, signature: signature, publishing: publishing)
        let inspectedOnly = database.map { [(name: "data/\(definition.id).sqlite（表结构与字段表）", bytes: Data($0.schemaText.utf8))] } ?? []
        let (info, metadata, findings) = try gatedMetadata(described, reports: reports, inspectedOnly: inspectedOnly, gate: gate)
        let files = try writeMetadata(metadata, dataFiles: info.dataFiles + [delta?.file].compactMap { $0 })
        let sums = try writeChecksums(files)
        let (final, zip) = try place(data: data, files: files, held: isHeld(info.status), gate: gate)
        if case .released = info.status {
            try ReleaseWriter.writeLatest(datasetId: definition.id, version: version, contentHash: digests.contentHash, root: outputRoot)
        }
        let bytes = files.reduce(sums.count) { $0 + $1.bytes }
        return ReleaseOutcome(kind: .created(version), version: version, directory: final, zip: zip, status: info.status.slug,
                              contentHash: digests.contentHash, rowCount: data.rowCount, bytes: bytes,
                              files: files, changes: changes, gateFindings: findings)
    }

    /// `data/<id>.delta.csv` against the public version, when one can be made (`ReleaseDelta`).
    private func writeDelta(against previous: ReleaseInfo) throws -> (summary: DeltaSummary, file: ReleaseFile)? {
        let path = ReleaseDelta.fileName(definition.id)
        let url = temporaryDirectory.appendingPathComponent(path)
        guard let summary = try ReleaseDelta.write(previous: previous.directory.appendingPathComponent("data/\(definition.id).csv"),
                                                   current: temporaryDirectory.appendingPathComponent("data/\(definition.id).csv"),
                                                   keyFields: definition.primaryKey, output: url, scratch: spoolDirectory) else { return nil }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        return (summary, ReleaseFile(path: path, bytes: bytes, sha256: try ReleaseVerifier.hashFile(url)))
    }

    private func isHeld(_ status: ReleaseStatus) -> Bool {
        if case .held = status { return true }
        return false
    }

    /// Equal content needs no new version, unless something a researcher gets would differ.
    private func isUnchanged(_ previous: ReleaseInfo, contentHash: String, requested status: ReleaseStatus) -> Bool {
        // A held version is not "unchanged" for a run that now passes: that run needs its own release.
        let previousWasHeld = ReleaseReader.isHeld(previous.directory, root: outputRoot)
        // Nor is one with other data files: a changed `formats` takes effect at once, not at the next data change.
        let sameFormats = DatasetDefinition.DataFormat.allCases.allSatisfy { format in
            FileManager.default.fileExists(atPath: previous.directory.appendingPathComponent("data/\(definition.id).\(format.rawValue)").path)
                == definition.formats.contains(format)
        }
        // Likewise a new or changed signing key: the next run gives researchers a release signed with it.
        let sameSigner = previous.metadata.signature == signature
        // And a version made before the published-file gate: its reports were never scanned.
        let previousGated = previous.publishedFileGate >= ReleaseDescription.publishedFileGateVersion
        return previous.contentHash == contentHash && sameFormats && sameSigner && previousGated && (!previousWasHeld || isHeld(status))
    }

    /// Writes nothing and reports the existing version.
    private func keepPrevious(_ previous: ReleaseInfo, data: DataFileWriter) -> ReleaseOutcome {
        data.discard()
        try? FileManager.default.removeItem(at: temporaryDirectory)
        try? FileManager.default.removeItem(at: spoolDirectory)
        let previousRoot = previous.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let zip = previousRoot.appendingPathComponent("packages/\(definition.id)-\(previous.version).zip")
        return ReleaseOutcome(kind: .unchanged(previous.version), version: previous.version, directory: previous.directory,
                              zip: FileManager.default.fileExists(atPath: zip.path) ? zip : nil, status: previous.status,
                              contentHash: previous.contentHash, rowCount: previous.rowCount, bytes: 0, files: [], changes: nil)
    }

    /// The data files in `DataFormat` order, as `definition.formats` lists them.
    private func dataFiles(_ digests: Digests, parquet: (sha256: [UInt8], bytes: Int)?) -> [ReleaseFile] {
        let id = definition.id
        var files = [ReleaseFile(path: "data/\(id).csv", bytes: digests.csv.bytes, sha256: SHA256Hex.hex(digests.csv.sha256))]
        if let json = digests.json {
            files.append(ReleaseFile(path: "data/\(id).json", bytes: json.bytes, sha256: SHA256Hex.hex(json.sha256)))
        }
        if let parquet {
            files.append(ReleaseFile(path: "data/\(id).parquet", bytes: parquet.bytes, sha256: SHA256Hex.hex(parquet.sha256)))
        }
        return files
    }

    /// Renders the metadata files and passes them, and `inspectedOnly` (text taken from a
    /// binary data file), through the gate; a finding holds the release, and the files are
    /// rendered again to say so.
    private func gatedMetadata(_ described: ReleaseDescription, reports: [StageReport], inspectedOnly: [(name: String, bytes: Data)],
                               gate: (any PublishedFileGate)?) throws -> (ReleaseDescription, [(name: String, bytes: Data)], [PublishedFileFinding]) {
        var info = described
        var metadata = try metadataFiles(info, reports: reports)
        let findings = gate.map { gate in (inspectedOnly + metadata).flatMap { gate.inspect(file: $0.name, bytes: $0.bytes) } } ?? []
        guard !findings.isEmpty else { return (info, metadata, findings) }
        // The reasons name files and places, never values, so the held files can say them.
        var reasons = info.status.holdReasons
        for reason in findings.map(\.reason) where !reasons.contains(reason) { reasons.append(reason) }
        info.status = .held(reasons)
        metadata = try metadataFiles(info, reports: reports)
        return (info, metadata, findings)
    }

    /// Writes the metadata files; returns every file of the release but SHA256SUMS, sorted.
    private func writeMetadata(_ metadata: [(name: String, bytes: Data)], dataFiles: [ReleaseFile]) throws -> [ReleaseFile] {
        var files = dataFiles
        for (name, bytes) in metadata {
            try DurableFile.write(bytes, to: temporaryDirectory.appendingPathComponent(name))
            files.append(ReleaseFile(path: name, bytes: bytes.count, sha256: SHA256Hex.of(bytes)))
        }
        return files.sorted { ReleaseFile.pathPrecedes($0.path, $1.path) }
    }

    /// SHA256SUMS and, with a key, its signature; then the folder is made durable.
    private func writeChecksums(_ files: [ReleaseFile]) throws -> Data {
        let sums = SHA256Sums(files: files).render()
        try DurableFile.write(sums, to: temporaryDirectory.appendingPathComponent(SHA256Sums.fileName))
        if let signingKey {
            try DurableFile.write(try ReleaseSigning.sign(sums, seed: signingKey), to: temporaryDirectory.appendingPathComponent(SHA256Sums.signatureName))
        }
        DurableFile.syncDirectory(temporaryDirectory.appendingPathComponent("data"))
        DurableFile.syncDirectory(temporaryDirectory)
        return sums
    }

    /// Zips the release, checks the zip, and renames both into place. Fail closed: a release
    /// the gate holds may carry what the gate caught, so neither it nor its zip goes where
    /// releases are served or uploaded from.
    private func place(data: DataFileWriter, files: [ReleaseFile], held: Bool, gate: (any PublishedFileGate)?) throws -> (directory: URL, zip: URL) {
        let id = definition.id
        let targetRoot = held ? ReleaseReader.heldRoot(outputRoot) : outputRoot
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
        if let gate, !held {
            try inspectZip(zipTemp, prefix: "\(id)-\(version)", expected: files.map(\.path) + [SHA256Sums.fileName]
                           + (signingKey == nil ? [] : [SHA256Sums.signatureName]), gate: gate)
        }
        let final = targetDirectory.appendingPathComponent(version)
        guard rename(zipTemp.path, zip.path) == 0 else { throw ODPError.io(zip.path, "无法把 zip 改名到目标位置（cannot rename into place）") }
        DurableFile.syncDirectory(packages)
        guard rename(temporaryDirectory.path, final.path) == 0 else {
            throw ODPError.io(final.path, "无法把版本目录改名到目标位置（cannot rename into place）：\(String(cString: strerror(errno)))")
        }
        DurableFile.syncDirectory(datasetDirectory)
        DurableFile.syncDirectory(targetDirectory)
        if held { removeDatasetDirectoryIfEmpty() }
        return (final, zip)
    }
}
