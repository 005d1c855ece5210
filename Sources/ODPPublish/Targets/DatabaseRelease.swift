import Foundation
import ODPCore

/// What the database target needs of one release: its metadata, the CSV it loads and the
/// typed columns from datapackage.json, all read from the files the publisher already
/// checked against SHA256SUMS.
struct DatabaseRelease {
    let dataset: String
    let version: String
    let catalog: CatalogMetadata
    let metadata: ReleaseMetadata
    let csv: UploadFile
    let table: DatabaseTable

    var title: String { catalog.title }

    init(_ job: PublishJob) throws {
        func file(_ path: String) throws -> UploadFile {
            guard let f = job.files.first(where: { $0.path == path }) else {
                throw ODPError.io(path, "发布中缺少 \(path)（missing from the release）；数据库目标只装载完整的版本")
            }
            return f
        }
        let metadataFile = try file(ReleaseMetadata.fileName)
        let descriptorFile = try file(DataPackageDescriptor.fileName)
        guard let metadata = try ArtifactCodec.read(ReleaseMetadata.self, at: metadataFile.url),
              let descriptor = try ArtifactCodec.read(DataPackageDescriptor.self, at: descriptorFile.url) else {
            throw ODPError.io(metadataFile.url.deletingLastPathComponent().path, "无法读取 release.json 或 datapackage.json")
        }
        guard let csvPath = metadata.dataFiles.first(where: { $0.path.hasSuffix(".csv") })?.path else {
            throw ODPError.io(metadataFile.url.path, "release.json 没有列出 CSV 数据文件（no CSV data file）")
        }
        dataset = job.dataset
        version = job.version
        guard let catalog = job.catalog else { throw ODPError.usage("数据库目标：\(job.dataset) 没有目录元数据（no catalog metadata）") }
        self.catalog = catalog
        self.metadata = metadata
        csv = try file(csvPath)
        let fields = descriptor.resources.first { $0.path == csvPath }?.schema.fields ?? descriptor.fields
        table = DatabaseTable(fields: fields)
        if fields.isEmpty {
            throw ODPError.io(descriptorFile.url.path, "datapackage.json 没有 \(csvPath) 的字段（no fields）")
        }
        if let duplicate = table.duplicateColumn {
            throw ODPError.io(descriptorFile.url.path, "字段名 `\(duplicate)` 截到 63 字节后与另一字段同名（two fields share a column name）")
        }
    }
}
