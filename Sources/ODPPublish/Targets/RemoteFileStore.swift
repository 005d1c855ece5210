import CCurl
import Foundation
import ODPCore

/// A folder on a front-end processor (前置机), reached over SFTP or FTP through libcurl.
/// A file goes up under a temporary name and is renamed by a post-transfer command on the
/// same connection, so the final name only ever holds a complete file.
struct RemoteFileStore: FileStore {
    let base: String
    let sftp: Bool
    let options: TransferOptions
    let retry: RetryPolicy
    let log: PublishLog

    init(url: String, sftp: Bool, options: TransferOptions, retry: RetryPolicy, log: PublishLog) {
        base = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.sftp = sftp
        self.options = options
        self.retry = retry
        self.log = log
    }

    private func url(_ path: String) -> String {
        base + "/" + path.split(separator: "/").map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }.joined(separator: "/")
    }

    /// The absolute remote path, for SFTP quote commands (which take paths, not URLs).
    private func remotePath(_ path: String) -> String {
        let afterScheme = base.components(separatedBy: "://").dropFirst().joined(separator: "://")
        let root = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        return (root.hasSuffix("/") ? root : root + "/") + path
    }

    func size(_ path: String) throws -> Int64? {
        try retry.run("stat \(path)", log: log) { () throws -> Int64? in
            do {
                let r = try Transfer.perform(TransferRequest(url: url(path), method: "HEAD"), options: options)
                return r.contentLength >= 0 ? r.contentLength : nil
            } catch let error as TransferError where Self.absent.contains(error.curlCode ?? 0) {
                return nil
            }
        }
    }

    /// "No such file", and for FTP "cannot change into its folder" (the folder is not there yet).
    private static let absent = [CURLE_REMOTE_FILE_NOT_FOUND, CURLE_FTP_COULDNT_RETR_FILE, CURLE_REMOTE_ACCESS_DENIED].map { Int($0.rawValue) }

    func sha256(_ path: String) throws -> String {
        try retry.run("download \(path)", log: log) {
            try Transfer.perform(TransferRequest(url: url(path), sink: .sha256), options: options).sha256 ?? ""
        }
    }

    func put(_ local: URL, size: Int64, at path: String) throws {
        try upload(.file(local, size: size), at: path)
    }

    func put(_ data: Data, at path: String) throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("odp-put-\(UUID().uuidString)")
        do { try data.write(to: temp) } catch { throw ODPError.io(temp.path, "无法写入临时文件（cannot write a temporary file）") }
        defer { try? FileManager.default.removeItem(at: temp) }
        try upload(.file(temp, size: Int64(data.count)), at: path)
    }

    func read(_ path: String) throws -> Data? {
        try retry.run("download \(path)", log: log) { () throws -> Data? in
            do { return try Transfer.perform(TransferRequest(url: url(path)), options: options).body } catch let error as TransferError where Self.absent.contains(error.curlCode ?? 0) {
                return nil
            }
        }
    }

    /// A directory listing (names only: SFTP readdir, FTP NLST). A folder that is not there
    /// yet lists as empty, as `size` treats a missing file.
    func list(_ folder: String) throws -> [String] {
        try retry.run("list \(folder)", log: log) { () throws -> [String] in
            var request = TransferRequest(url: url(folder) + "/")
            request.listOnly = true
            do {
                let body = try Transfer.perform(request, options: options).body
                return String(decoding: body, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" })
                    .map { String($0.split(separator: "/").last ?? $0) }.filter { $0 != "." && $0 != ".." }.sorted()
            } catch let error as TransferError where Self.absent.contains(error.curlCode ?? 0) {
                return []
            }
        }
    }

    func describe(_ path: String) -> String { Transfer.redactURL(url(path)) }

    /// One connection removes them all (SFTP `rm`, FTP `DELE`; the `*` lets a file already
    /// gone pass, so a retry or a re-run is harmless). Then their folders are listed: a file
    /// the server kept fails the call.
    func delete(_ paths: [String]) throws {
        guard !paths.isEmpty else { return }
        var request = TransferRequest(url: base + "/", method: "HEAD")
        request.quote = paths.map { sftp ? "*rm \"\(remotePath($0))\"" : "*DELE \(ftpPath($0))" }
        try retry.run("delete \(paths.count) files", log: log) { _ = try Transfer.perform(request, options: options) }
        let byFolder = Dictionary(grouping: paths) { $0.split(separator: "/").dropLast().joined(separator: "/") }
        for (folder, files) in byFolder.sorted(by: { $0.key < $1.key }) {
            let names = Set(try list(folder))
            if let kept = files.first(where: { names.contains(String($0.split(separator: "/").last ?? "")) }) {
                throw ODPError.io(describe(kept), "服务器没有删除该文件（not deleted by the server）")
            }
        }
    }

    /// Retrying is safe: the temporary name is overwritten and the final name replaced.
    ///
    /// The final name keeps the old file until the new one is in place (the open-data list is
    /// replaced every run): FTP renames the new file over it (RNFR/RNTO; vsftpd and most
    /// servers replace atomically). A server that refuses, and SFTP, whose rename never
    /// replaces, move the old file aside, the new one in, and then delete the old one. A
    /// failed upload removes its temporary file from the server.
    private func upload(_ body: RequestBody, at path: String) throws {
        let parts = path.split(separator: "/").map(String.init)
        let name = parts.last ?? path
        let sibling = { (file: String) in parts.count > 1 ? parts.dropLast().joined(separator: "/") + "/" + file : file }
        let tempPath = sibling(TemporaryName.upload(name, local: false))
        let asidePath = sibling(TemporaryName.upload(name + ".old", local: false))
        var request = TransferRequest(url: url(tempPath), method: "PUT", body: body)
        request.createMissingDirectories = true
        if sftp {
            let (final, temp, aside) = (remotePath(path), remotePath(tempPath), remotePath(asidePath))
            request.postQuote = ["*rm \"\(aside)\"", "*rename \"\(final)\" \"\(aside)\"", "rename \"\(temp)\" \"\(final)\"", "*rm \"\(aside)\""]
        } else {
            // After STOR the connection still sits in the file's folder.
            request.postQuote = ["RNFR \(TemporaryName.upload(name, local: false))", "RNTO \(name)"]
        }
        do {
            try retry.run("upload \(path)", log: log) {
                do {
                    _ = try Transfer.perform(request, options: options)
                } catch let error as TransferError where !sftp && error.curlCode == Int(CURLE_QUOTE_ERROR.rawValue) && (error.status ?? 0) >= 500 {
                    let (final, temp, aside) = (ftpPath(path), ftpPath(tempPath), ftpPath(asidePath))
                    var swap = TransferRequest(url: base + "/", method: "HEAD")
                    swap.quote = ["*DELE \(aside)", "*RNFR \(final)", "*RNTO \(aside)", "RNFR \(temp)", "RNTO \(final)", "*DELE \(aside)"]
                    _ = try Transfer.perform(swap, options: options)
                }
            }
        } catch {
            removeTemporary(tempPath)
            throw error
        }
    }

    /// One try, whatever its outcome: the server may be the reason the upload failed.
    private func removeTemporary(_ path: String) {
        var request = TransferRequest(url: base + "/", method: "HEAD")
        request.quote = [sftp ? "*rm \"\(remotePath(path))\"" : "*DELE \(ftpPath(path))"]
        _ = try? Transfer.perform(request, options: options)
    }

    /// FTP quote commands run in the login folder, before the URL's CWD: the path from there.
    private func ftpPath(_ path: String) -> String { String(remotePath(path).dropFirst()) }
}
