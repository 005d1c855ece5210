import Foundation
import ODPCore

/// Builds the target object for one checked `targets:` entry.
enum TargetFactory {
    static func make(_ s: TargetSettings, secrets: [String: String], config: PipelineConfig, log: PublishLog) throws -> PublishTarget {
        var transfer = s.transfer
        transfer.caFile = s.caFile
        switch s.kind {
        case .dir:
            return FileDropTarget(settings: s, store: DirectoryStore(root: URL(fileURLWithPath: s.path ?? ".")))
        case .ckan:
            guard let token = secrets["token"] else { throw ODPError.usage("上传目标 \(s.name)：没有设置令牌（token is not set）").coded(.secretUnavailable) }
            return CKANTarget(settings: s, token: token, options: transfer, publisherName: config.publisher, portal: config.publicBaseURL)
        case .sftp, .ftp:
            transfer.username = s.user
            transfer.password = secrets["password"]
            if case .file(let path)? = s.privateKey { transfer.sshPrivateKeyFile = config.resolve(path).path }
            transfer.sshKnownHosts = s.knownHosts
            transfer.sshHostKeySHA256 = s.hostKeySHA256
            transfer.ftpUsePasvAddress = s.ftpUsePasvAddress
            let store = RemoteFileStore(url: s.url ?? "", sftp: s.kind == .sftp, options: transfer, retry: s.retry, log: log)
            return FileDropTarget(settings: s, store: store)
        case .http:
            return HTTPTarget(settings: s, token: secrets["token"], secret: secrets["secret"], options: transfer, log: log)
        case .database:
            guard let url = secrets["url"] else { throw ODPError.usage("上传目标 \(s.name)：没有设置连接串（url is not set）").coded(.secretUnavailable) }
            return DatabaseTarget(settings: s, url: url, log: log)
        }
    }
}
