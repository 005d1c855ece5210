import Foundation

extension ODPError {
    /// Any error as ODP reports it: an `ODPError` as it is; a Foundation or POSIX file error
    /// as a coded Chinese message naming the path and the cause — never an NSError dump
    /// (`Error Domain=NSCocoaErrorDomain Code=640 …` says nothing a data officer can act on).
    /// - Parameter path: the file concerned, when the error does not carry it.
    public static func from(_ error: Error, path: String? = nil) -> ODPError {
        if let e = error as? ODPError { return e }
        let ns = error as NSError
        let file = path ?? (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? "（路径未知）"
        if let code = posixCode(ns) { return system(file, errno: code) }
        switch ns.domain == NSCocoaErrorDomain ? ns.code : -1 {
        case CocoaError.fileWriteOutOfSpace.rawValue: return system(file, errno: ENOSPC)
        case CocoaError.fileWriteNoPermission.rawValue, CocoaError.fileReadNoPermission.rawValue: return system(file, errno: EACCES)
        case CocoaError.fileWriteVolumeReadOnly.rawValue: return system(file, errno: EROFS)
        case CocoaError.fileNoSuchFile.rawValue, CocoaError.fileReadNoSuchFile.rawValue: return system(file, errno: ENOENT)
        default: return io(file, ns.localizedFailureReason ?? ns.localizedDescription)
        }
    }

    /// A failed system call on `path`, in Chinese with the system's English wording.
    public static func system(_ path: String, errno code: Int32) -> ODPError {
        let english = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT:
            return io(path, "磁盘空间不足（\(english)），未写完的文件已丢弃；清理磁盘或把 output 指向更大的分区后重新运行").coded(.diskFull)
        case EACCES, EPERM, EROFS:
            return io(path, "没有写入权限或目录只读（\(english)）；授予运行 odp 的用户读写权限后重新运行").coded(.permissionDenied)
        case ENOENT:
            return io(path, "文件或目录不存在（\(english)）")
        default:
            return io(path, "读写失败（\(english)）")
        }
    }

    /// The POSIX errno behind a Foundation error, if any (directly or as its underlying error).
    private static func posixCode(_ ns: NSError) -> Int32? {
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError, under.domain == NSPOSIXErrorDomain { return Int32(under.code) }
        return nil
    }
}
