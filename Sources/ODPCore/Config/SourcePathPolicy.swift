import Foundation

/// Source files stay inside the pipeline folder: a `path: ../../etc/passwd` in a definition
/// someone else wrote must not make ODP read (and quote in its messages) a file of the
/// machine. The allowed folders are the folder of odp.yml and, for a definition kept
/// elsewhere, the definition's own folder. `source.allow_outside: true` lifts the rule for
/// one dataset, on purpose and visible in review.
///
/// # Edge cases
/// Symbolic links are resolved before comparing, so a link inside the folder that points
/// out counts as outside. A path that does not exist yet is compared as written.
public enum SourcePathPolicy {
    /// A definition error at `source.path` when the path leads outside, or nothing.
    public static func check(_ definition: DatasetDefinition, pipelineFolder: URL) -> [Diagnostic] {
        guard let path = definition.source.path, !definition.source.allowOutside else { return [] }
        let target = real(definition.resolve(path))
        let roots = [real(pipelineFolder), real(definition.baseDirectory)]
        guard !roots.contains(where: { contains($0, target) }) else { return [] }
        return [Diagnostic(definition.source.location,
                           "source.path `\(path)` 指向流水线目录之外（outside the pipeline folder \(real(pipelineFolder).path)）",
                           hint: "把数据文件放进流水线目录；确需读取外部文件时，在 source 下写 `allow_outside: true`",
                           code: .sourceOutside)]
    }

    static func real(_ url: URL) -> URL { url.standardizedFileURL.resolvingSymlinksInPath() }

    static func contains(_ folder: URL, _ file: URL) -> Bool {
        let root = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
        return file.path.hasPrefix(root)
    }
}
