import Foundation
import ODPCore

/// The files of a release folder, as `/`-separated relative paths in a stable order.
enum ReleaseFiles {
    static func list(_ directory: URL) throws -> [String] {
        var out: [String] = []
        func walk(_ dir: URL, _ prefix: String) throws {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: dir.path) } catch {
                throw ODPError.io(dir.path, "cannot list: \(error)")
            }
            for name in names {
                let url = dir.appendingPathComponent(name)
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
                if isDir.boolValue { try walk(url, prefix + name + "/") } else { out.append(prefix + name) }
            }
        }
        try walk(directory, "")
        return out.sorted(by: ReleaseFile.pathPrecedes)
    }
}
