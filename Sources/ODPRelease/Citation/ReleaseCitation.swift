import Foundation
import ODPCore

/// How to cite a version: its identifiers, a GB/T 7714-2015 reference (Chinese) and
/// CITATION.cff (Citation File Format 1.2.0, read by GitHub, Zenodo and reference managers).
enum ReleaseCitation {
    static func seriesIdentifier(_ r: ReleaseDescription) -> String {
        DatasetURI.series(code: r.definition.catalog.code, baseURL: r.publishing.baseURL)
    }

    static func versionIdentifier(_ r: ReleaseDescription) -> String {
        DatasetURI.version(code: r.definition.catalog.code, version: r.version, baseURL: r.publishing.baseURL)
    }

    /// The release day in Beijing time, `YYYY-MM-DD`.
    static func releaseDay(_ r: ReleaseDescription) -> String { BeijingTime.day(r.created) }

    /// A reference in the form GB/T 7714-2015 gives for online electronic resources
    /// (主要责任者. 题名: 其他题名信息[文献类型标识/载体标识]. (更新日期)[引用日期]. 获取和访问路径.),
    /// with DS for a dataset. The citing date is the reader's, so it stays a placeholder.
    static func gbt7714(_ r: ReleaseDescription) -> String {
        let c = r.definition.catalog
        var text = "\(c.provider). \(c.title): 版本 \(r.version)[DS/OL]. (\(releaseDay(r)))[引用日期]."
        if DatasetURI.resolvable(baseURL: r.publishing.baseURL) { text += " \(versionIdentifier(r))." }
        return text
    }

    /// CITATION.cff. Every string is written as a double-quoted scalar with JSON escapes,
    /// which YAML reads the same way, so no title or keyword can break the file.
    static func cff(_ r: ReleaseDescription) -> String {
        let c = r.definition.catalog
        var s = "cff-version: 1.2.0\n"
        s += "message: \(quoted("如使用本数据，请按以下信息引用（GB/T 7714-2015 格式见 README.md）。"))\n"
        s += "type: dataset\n"
        s += "title: \(quoted(c.title))\n"
        s += "version: \(quoted(r.version))\n"
        s += "date-released: \(quoted(releaseDay(r)))\n"
        s += "abstract: \(quoted(c.summary))\n"
        s += "authors:\n  - name: \(quoted(c.provider))\n"
        if DataPackage.licenseURL(c.license) != nil { s += "license: \(quoted(DataPackage.license(c.license).name))\n" }
        let resolvable = DatasetURI.resolvable(baseURL: r.publishing.baseURL)
        if resolvable { s += "url: \(quoted(versionIdentifier(r)))\n" }
        s += "identifiers:\n"
        s += "  - type: \(resolvable ? "url" : "other")\n    value: \(quoted(versionIdentifier(r)))\n    description: \(quoted("本版本"))\n"
        s += "  - type: \(resolvable ? "url" : "other")\n    value: \(quoted(seriesIdentifier(r)))\n    description: \(quoted("数据集（各版本）"))\n"
        if !c.keywords.isEmpty { s += "keywords:\n" + c.keywords.map { "  - \(quoted($0))\n" }.joined() }
        return s
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? ArtifactJSON.string(text).encoded(pretty: false)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
