import Foundation

/// The names ODP writes under before renaming into place, in one place so the sweep that
/// removes a killed run's leftovers knows every one of them:
///
///     .tmp-<what>-<pid>            release folders, zips, the open list (ODPRelease)
///     .<name>.tmp-<pid>            state, pointers, reports (`AtomicFile`)
///     .<name>.odp-tmp-<pid>        a `dir` target's copies; `.<name>.odp-tmp` on SFTP/FTP
public enum TemporaryName {
    /// `.tmp-<what>-<pid>`, optionally with an extension after the pid (`.zip`).
    public static func release(_ what: String, extension ext: String = "") -> String {
        ".tmp-\(what)-\(getpid())\(ext.isEmpty ? "" : "." + ext)"
    }

    /// `.<name>.tmp-<pid>`.
    public static func atomic(_ name: String) -> String { ".\(name).tmp-\(getpid())" }

    /// `.<name>.odp-tmp-<pid>` for a local target; `.<name>.odp-tmp` on a server, where the
    /// pid means nothing and a retry overwrites the same name.
    public static func upload(_ name: String, local: Bool) -> String { local ? ".\(name).odp-tmp-\(getpid())" : ".\(name).odp-tmp" }

    public static func isUpload(_ name: String) -> Bool {
        guard name.hasPrefix("."), let range = name.range(of: ".odp-tmp", options: .backwards) else { return false }
        let rest = name[range.upperBound...]
        return rest.isEmpty || (rest.hasPrefix("-") && rest.dropFirst().allSatisfy(\.isASCIIDigitCharacter))
    }

    public static func isTemporary(_ name: String) -> Bool {
        if name.hasPrefix(".tmp-") || isUpload(name) { return true }
        guard name.hasPrefix("."), let range = name.range(of: ".tmp-", options: .backwards), range.lowerBound > name.startIndex else { return false }
        let pid = name[range.upperBound...]
        return !pid.isEmpty && pid.allSatisfy(\.isASCIIDigitCharacter)
    }

    /// Removes temporary names under `folder` (recursively) and returns what it removed.
    ///
    /// Holding the run lock (`lockHeld`), no other run is writing, so each such name is a dead
    /// run's leftover even when its pid now belongs to another process, or to this one (a
    /// container gives every run the same pid). The one exception is a file that a command
    /// taking no run lock (`odp approve`, the portal) is writing this very moment: a name
    /// whose pid is another live process and which changed in the last minute is left alone.
    /// Without the lock, only names of processes that no longer exist are removed.
    ///
    /// - Parameters:
    ///   - lockHeld: the caller holds the run lock.
    ///   - matching: which names count (a target's folder: only upload names).
    ///   - recursive: false looks at `folder`'s own entries only.
    @discardableResult
    public static func sweep(_ folder: URL, lockHeld: Bool, recursive: Bool = true, matching: (String) -> Bool = isTemporary) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.contentModificationDateKey],
                                                         options: recursive ? [] : [.skipsSubdirectoryDescendants],
                                                         errorHandler: { _, _ in true }) else { return [] }
        var removed: [URL] = []
        while let url = walker.nextObject() as? URL {
            let name = url.lastPathComponent
            guard matching(name) else { continue }
            walker.skipDescendants()
            if isInUse(url, name: name, lockHeld: lockHeld) { continue }
            if (try? FileManager.default.removeItem(at: url)) != nil { removed.append(url) }
        }
        return removed
    }

    private static func isInUse(_ url: URL, name: String, lockHeld: Bool) -> Bool {
        let stem = name.hasSuffix(".zip") ? name.dropLast(4) : Substring(name)
        guard let pid = Int32(String(stem.reversed().prefix { $0.isASCIIDigitCharacter }.reversed())) else { return false }
        guard lockHeld else { return kill(pid, 0) == 0 }
        guard pid != getpid(), kill(pid, 0) == 0 else { return false }
        let modified = (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
        return Date().timeIntervalSince(modified) < 60
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
