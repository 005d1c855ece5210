import ODPCore

/// How a release file appears as a CKAN resource: its Chinese description, its
/// `resource_type`, and the name it carries while its version is still uploading.
///
/// Data files are `data`, human documents `documentation`, and the files programs check a
/// release with (release.json, datapackage.json, SHA256SUMS, its signature) `metadata`, with
/// a description that starts 【内部文件】, so a researcher does not take them for data.
enum CKANResourceLabel {
    enum Kind: String { case data, documentation, metadata }

    static func kind(_ file: UploadFile) -> Kind {
        if internalFiles.contains(file.path) { return .metadata }
        if file.path.hasPrefix("data/") || file.format == "ZIP" { return .data }
        return .documentation
    }

    static let internalFiles: Set<String> = [ReleaseMetadata.fileName, DataPackageDescriptor.fileName, SHA256Sums.fileName, SHA256Sums.signatureName]

    static func description(_ file: UploadFile) -> String {
        switch file.path {
        case ReleaseMetadata.fileName: return "【内部文件】版本元数据（release.json）：版本号、行数、内容哈希，供程序核对版本"
        case DataPackageDescriptor.fileName: return "【内部文件】数据包描述（Frictionless datapackage.json）：字段结构，供程序读取"
        case SHA256Sums.fileName: return "【内部文件】校验和（SHA-256）：下载后用它核对本版本的每个文件"
        case SHA256Sums.signatureName: return "【内部文件】校验和签名：证明 SHA256SUMS 由发布方签发"
        case "README.md": return "说明文档（README）：数据说明、字段与版本信息"
        case QualityReport.fileName: return "质量报告（JSON）"
        case PrivacyReport.fileName: return "脱敏报告（JSON）：各字段的脱敏方式"
        case OpenListDocument.fileName: return "开放清单（JSON）：全部开放数据集的目录"
        default: break
        }
        if file.format == "ZIP" { return "数据文件压缩包（ZIP）：本版本的全部文件" }
        if file.path.hasPrefix("data/") { return "数据文件（\(file.format)）" }
        if file.name.hasPrefix("open-list") { return "开放清单（\(file.format)）：全部开放数据集的目录" }
        return "附件（\(file.format)）"
    }

    /// A resource uploaded for `version` before the switch: visibly not part of the current
    /// set, and named after its version so a resumed run finds it (and no other version's).
    static func stagingName(_ file: UploadFile, version: String) -> String { "\(stagingPrefix)\(version)）\(file.path)" }

    static let stagingPrefix = "（上传中 "

    static func stagingDescription(version: String) -> String {
        "版本 \(version) 正在上传，尚未生效，请勿使用（uploading; not part of the current version）"
    }
}
