import Foundation
import ODPCore

/// The embedded default target: a local folder (or a mounted share). Copies stream through
/// a temporary file that is fsync'd before the rename, and the folder is fsync'd after it,
/// so a crash leaves either the old state or the complete file.
struct DirectoryStore: FileStore {
    let root: URL

    private func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    func size(_ path: String) throws -> Int64? {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: url(path).path) else { return nil }
        return (attrs[.size] as? NSNumber)?.int64Value
    }

    func sha256(_ path: String) throws -> String { try UploadFile.hashFile(url(path)).0 }

    func put(_ local: URL, size: Int64, at path: String) throws {
        try write(to: path) { fd in
            guard let input = FileHandle(forReadingAtPath: local.path) else { throw ODPError.io(local.path, "无法读取（cannot read）") }
            defer { try? input.close() }
            while true {
                let chunk = input.readData(ofLength: 1 << 20)
                if chunk.isEmpty { break }
                try Self.writeAll(fd, chunk, path: path)
            }
        }
    }

    func put(_ data: Data, at path: String) throws {
        try write(to: path) { fd in try Self.writeAll(fd, data, path: path) }
    }

    func read(_ path: String) throws -> Data? { FileManager.default.contents(atPath: url(path).path) }

    func list(_ folder: String) throws -> [String] {
        let dir = url(folder)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else { return [] }
        do { return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() } catch {
            throw ODPError.io(dir.path, "无法列出目录：\(error.localizedDescription)")
        }
    }

    func describe(_ path: String) -> String { url(path).path }

    func delete(_ paths: [String]) throws {
        var folders = Set<String>()
        for path in paths {
            let file = url(path)
            guard unlink(file.path) == 0 || errno == ENOENT else {
                throw ODPError.io(file.path, "无法删除（cannot delete）：\(String(cString: strerror(errno)))")
            }
            folders.insert(file.deletingLastPathComponent().path)
        }
        folders.sorted().forEach(Self.sync)
    }

    /// Makes a rename or unlink in `folder` durable.
    private static func sync(_ folder: String) {
        let dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { fsync(dirfd); close(dirfd) }
    }

    private func write(to path: String, _ body: (Int32) throws -> Void) throws {
        let final = url(path)
        let folder = final.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ODPError.io(folder.path, "无法创建目录（cannot create folder）：\(ODPError.from(error, path: folder.path).message)")
        }
        let temp = folder.appendingPathComponent(TemporaryName.upload(final.lastPathComponent, local: true))
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ODPError.io(temp.path, "无法创建（cannot create）：\(String(cString: strerror(errno)))") }
        do {
            try body(fd)
            guard fsync(fd) == 0 else { throw ODPError.io(temp.path, "写入磁盘失败（fsync failed）：\(String(cString: strerror(errno)))") }
            close(fd)
        } catch {
            close(fd)
            unlink(temp.path)
            throw error
        }
        guard rename(temp.path, final.path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temp.path)
            throw ODPError.io(final.path, "无法改名到目标位置（cannot rename into place）：\(message)")
        }
        Self.sync(folder.path)
    }

    private static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = Foundation.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw ODPError.io(path, "写入失败（write failed）：\(String(cString: strerror(errno)))") }
                offset += n
            }
        }
    }
}
