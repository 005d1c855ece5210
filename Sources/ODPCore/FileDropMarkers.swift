/// The files a file-drop target (dir, SFTP, FTP) adds beside a release: `manifest.json` lists
/// the files, and `_ODP_DONE`, written last, holds the manifest's SHA-256, so a receiving
/// system knows the set is complete. `_ODP_WITHDRAWN` (`WithdrawalMarker`) replaces
/// `_ODP_DONE` when the version is withdrawn (撤回): the data files are gone. Shared by the target that writes them and by
/// `odp verify`, which checks a published copy with them in it.
public enum FileDropMarkers {
    public static let manifest = "manifest.json"
    public static let done = "_ODP_DONE"
    public static let withdrawn = "_ODP_WITHDRAWN"
}
