import CCurl
import Crypto
import Foundation

/// Checks an SFTP server's host key against `known_hosts` through libcurl's key callback,
/// so a mismatch names the host, the key on file and the key offered, instead of libcurl's
/// "SSH remote key was not OK". Only an exact match is accepted; nothing is ever added.
final class HostKeyCheck {
    /// `ssh-ed25519 SHA256:…` of the key on file for the host, nil when the host has none.
    private(set) var expected: String?
    private(set) var offered: String?
    private(set) var verdict: curl_khmatch?

    func install(on h: CurlHandle) throws {
        try h.set(CURLOPT_SSH_KEYFUNCTION, pointer: unsafeBitCast(hostKeyCallback, to: UnsafeRawPointer.self))
        try h.set(CURLOPT_SSH_KEYDATA, pointer: UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque()))
    }

    fileprivate func record(known: UnsafePointer<curl_khkey>?, found: UnsafePointer<curl_khkey>?, match: curl_khmatch) {
        verdict = match
        expected = known.map(Self.describe)
        offered = found.map(Self.describe)
    }

    /// The message for a refused key, nil when the key was not the problem.
    func refusal(host: String, file: String) -> String? {
        guard let verdict, verdict != CURLKHMATCH_OK else { return nil }
        let offered = offered ?? "?"
        if verdict == CURLKHMATCH_MISSING {
            return "SSH 主机密钥未登记（host key not in known_hosts）：\(file) 中没有主机 \(host) 的密钥；服务器出示的是 \(offered)。核实后用 ssh-keyscan 加入，或改用 host_key_sha256"
        }
        return "SSH 主机密钥不符（host key mismatch）：\(file) 记录的主机 \(host) 的密钥是 \(expected ?? "?")，服务器出示的是 \(offered)；"
            + "可能是服务器重装或被冒充（man-in-the-middle），核实新密钥后再更新 known_hosts"
    }

    /// `ssh-ed25519 SHA256:<base64>`, the form `ssh-keygen -l` prints. A key libcurl read from
    /// the file comes as Base64 text (`len` 0), the server's as raw bytes.
    private static func describe(_ key: UnsafePointer<curl_khkey>) -> String {
        let k = key.pointee
        guard let text = k.key else { return "?" }
        let raw: [UInt8]
        if k.len == 0 {
            raw = Data(base64Encoded: String(cString: text)).map(Array.init) ?? []
        } else {
            raw = Array(UnsafeRawBufferPointer(start: text, count: k.len))
        }
        let digest = Data(SHA256.hash(data: raw)).base64EncodedString().replacingOccurrences(of: "=", with: "")
        return "\(typeName(k.keytype)) SHA256:\(digest)"
    }

    private static func typeName(_ type: curl_khtype) -> String {
        switch type {
        case CURLKHTYPE_RSA, CURLKHTYPE_RSA1: return "ssh-rsa"
        case CURLKHTYPE_DSS: return "ssh-dss"
        case CURLKHTYPE_ECDSA: return "ecdsa-sha2"
        case CURLKHTYPE_ED25519: return "ssh-ed25519"
        default: return "key"
        }
    }
}

private let hostKeyCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<curl_khkey>?, UnsafePointer<curl_khkey>?, curl_khmatch,
                                             UnsafeMutableRawPointer?) -> Int32 = { _, known, found, match, user in
    if let user { Unmanaged<HostKeyCheck>.fromOpaque(user).takeUnretainedValue().record(known: known, found: found, match: match) }
    return Int32(match == CURLKHMATCH_OK ? CURLKHSTAT_FINE.rawValue : CURLKHSTAT_REJECT.rawValue)
}
