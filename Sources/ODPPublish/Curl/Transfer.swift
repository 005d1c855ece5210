import CCurl
import Foundation
import ODPCore

/// Connection settings shared by every request of one target. Timeouts are always set:
/// a stalled peer ends the transfer instead of hanging the run.
struct TransferOptions: Sendable {
    var connectTimeout = 15
    /// Below `lowSpeedLimit` bytes/s for `lowSpeedTime` seconds counts as a timeout.
    var lowSpeedTime = 30
    var lowSpeedLimit = 1
    var caFile: String?
    var username: String?
    var password: String?
    var sshPrivateKeyFile: String?
    var sshKnownHosts: String?
    /// base64 SHA-256 of the server's host key, as `ssh-keygen -l` prints it after `SHA256:`.
    var sshHostKeySHA256: String?
    /// FTP: connect to the address the server names in its PASV reply (needed behind a port-only proxy).
    var ftpUsePasvAddress = false
}

enum RequestBody {
    case none
    case json(Data)
    /// Streams the file from disk (CURLOPT_UPLOAD + READDATA: libcurl's default read function is fread).
    case file(URL, size: Int64)
    /// multipart/form-data; the file part streams from disk through curl_mime_filedata.
    case multipart(fields: [(String, String)], fileField: String, file: URL, filename: String)
    /// Announces `size` bytes and sends none (see `Transfer.probeBodyLimit`).
    case probe(size: Int64)
}

/// What to do with the response body.
enum ResponseSink {
    /// Keep at most this many bytes (API answers).
    case memory(limit: Int)
    /// Hash the body as it streams (downloads to verify a remote copy).
    case sha256
}

struct TransferRequest {
    var url: String
    var method = "GET"
    var headers: [String] = []
    var body: RequestBody = .none
    var quote: [String] = []
    var postQuote: [String] = []
    var createMissingDirectories = false
    /// SFTP/FTP: a URL ending in `/` lists the folder's names only (CURLOPT_DIRLISTONLY).
    var listOnly = false
    var sink: ResponseSink = .memory(limit: 8 << 20)
}

struct TransferResponse {
    var status: Int
    /// The request's URL without credentials, for messages.
    var url = ""
    /// Lowercased names; the last value wins.
    var headers: [String: String]
    var body: Data
    var sha256: String?
    var bytes: Int64
    /// Size reported by the server (SFTP/FTP stat, HTTP Content-Length), -1 when unknown.
    var contentLength: Int64
}

/// A failed request: retryable when the peer or the network may do better next time.
struct TransferError: Error, CustomStringConvertible {
    var message: String
    var retryable: Bool
    var status: Int?
    var curlCode: Int?
    var retryAfter: Double?
    var body: Data?
    /// Caps the tries for errors that are only probably transient.
    var maxAttempts: Int?

    var description: String { message }

    static func httpStatus(_ response: TransferResponse, what: String) -> TransferError {
        let retry = response.status >= 500 || response.status == 429 || response.status == 408
        var wait: Double?
        if let value = response.headers["retry-after"], let seconds = Double(value.trimmingCharacters(in: .whitespaces)) { wait = seconds }
        let snippet = String(decoding: response.body.prefix(300), as: UTF8.self)
        let at = response.url.isEmpty ? "" : " \(response.url)"
        return TransferError(message: "\(what)\(at): HTTP \(response.status) \(snippet)", retryable: retry, status: response.status,
                             retryAfter: wait, body: response.body)
    }
}

/// The one upload path for HTTP(S), SFTP and FTP.
enum Transfer {
    static func perform(_ request: TransferRequest, options: TransferOptions) throws(TransferError) -> TransferResponse {
        let box = ResponseBox(sink: request.sink)
        let hostKey = options.sshKnownHosts != nil && request.url.hasPrefix("sftp:") ? HostKeyCheck() : nil
        var file: UnsafeMutablePointer<FILE>?
        defer { if let file { fclose(file) } }
        let handle: CurlHandle
        do {
            handle = try CurlHandle()
            try configure(handle, request, options, box: box, file: &file)
            try hostKey?.install(on: handle)
        } catch let error as TransferError {
            throw error
        } catch {
            throw TransferError(message: "\(error)", retryable: false)
        }
        let code = handle.perform()
        guard code == CURLE_OK else {
            let detail = handle.errorText.isEmpty ? String(cString: curl_easy_strerror(code)) : handle.errorText
            let cause = Self.cause(code, osErrno: Int32(handle.infoLong(CURLINFO_OS_ERRNO))).map { "\($0): " } ?? ""
            var error = TransferError(message: "\(Transfer.redactURL(request.url)): \(cause)\(detail)", retryable: retryable(code),
                                      status: nil, curlCode: Int(code.rawValue))
            // libssh2 reports a connection cut during the handshake as a failed session start, and
            // one cut during authentication as a refused login; both deserve a few more tries, but
            // a login that is really refused must not be hammered.
            if request.url.hasPrefix("sftp:"), code == CURLE_FAILED_INIT || code == CURLE_LOGIN_DENIED {
                error.retryable = true
                if code == CURLE_LOGIN_DENIED { error.maxAttempts = 3 }
            }
            // An FTP server says 530 for wrong credentials; any other refusal of the login
            // (vsftpd's "500 OOPS" when a session process fails, 421 when busy) is the server's
            // trouble and passes.
            if request.url.hasPrefix("ftp"), code == CURLE_LOGIN_DENIED, handle.infoLong(CURLINFO_RESPONSE_CODE) != 530 {
                error.retryable = true
                error.maxAttempts = 3
            }
            if request.url.hasPrefix("ftp") { ftpReply(box.lastReply, code: code, into: &error, url: request.url) }
            if let refusal = hostKey?.refusal(host: Self.hostPort(request.url), file: options.sshKnownHosts ?? "") {
                error.message = "\(Transfer.redactURL(request.url)): \(refusal)"
                error.retryable = false
            } else if code == CURLE_PEER_FAILED_VERIFICATION, request.url.hasPrefix("sftp:"), let pin = options.sshHostKeySHA256 {
                error.message = "\(Transfer.redactURL(request.url)): SSH 主机密钥与 host_key_sha256 不符（host key mismatch）：主机 \(Self.hostPort(request.url)) "
                    + "应为 SHA256:\(pin)；\(detail)"
            }
            throw error
        }
        return TransferResponse(status: handle.infoLong(CURLINFO_RESPONSE_CODE), url: redactURL(request.url), headers: box.headers, body: box.data,
                                sha256: box.hasher.map { $0.finalizeHex() }, bytes: box.bytes,
                                contentLength: handle.infoOffset(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T))
    }

    /// Announces a body of `size` bytes with `Expect: 100-continue` and sends none of it: a web
    /// server with a smaller body limit answers 413 at once. Returns that status, or nil when
    /// the server would take the body (it said 100 Continue, or did not object in time).
    static func probeBodyLimit(url: String, size: Int64, options: TransferOptions) throws(TransferError) -> Int? {
        let request = TransferRequest(url: url, method: "POST", body: .probe(size: size))
        do throws(TransferError) {
            let response = try perform(request, options: options)
            if response.status == 413 { return 413 }
            if response.status >= 500 || response.status == 429 { throw TransferError.httpStatus(response, what: "size probe") }
            return nil
        } catch where error.curlCode == Int(CURLE_ABORTED_BY_CALLBACK.rawValue) {
            return nil
        }
    }

    /// Network faults and timeouts are worth another try; refused logins, missing files and
    /// bad options are not.
    static func retryable(_ code: CURLcode) -> Bool {
        let transient: [CURLcode] = [
            CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
            CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR, CURLE_SSH, CURLE_FTP_ACCEPT_TIMEOUT,
            CURLE_FTP_WEIRD_PASV_REPLY, CURLE_FTP_CANT_GET_HOST, CURLE_UPLOAD_FAILED, CURLE_READ_ERROR,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY, CURLE_AGAIN, CURLE_QUOTE_ERROR,
            CURLE_FTP_PORT_FAILED, CURLE_FTP_COULDNT_USE_REST, CURLE_COULDNT_RESOLVE_HOST,
        ]
        return transient.contains(code)
    }

    /// An FTP refusal shows the server's own reply. A permanent one (5xx, or 452: no space)
    /// is not retried: the next try gets the same answer.
    ///
    /// Only for errors libcurl derives from a reply: after a cut connection the last reply seen
    /// may belong to an earlier command. A cut data connection during an upload gets a hint
    /// instead, because libcurl then never reads the server's reply.
    private static func ftpReply(_ reply: String?, code curlCode: CURLcode, into error: inout TransferError, url: String) {
        if [CURLE_SEND_ERROR, CURLE_RECV_ERROR].contains(curlCode) {
            error.message += "（FTP 服务器中断了连接且未给出答复；常见原因：服务器磁盘已满、配额用尽或网络中断）"
            return
        }
        let fromReply = [CURLE_UPLOAD_FAILED, CURLE_QUOTE_ERROR, CURLE_REMOTE_ACCESS_DENIED, CURLE_REMOTE_DISK_FULL, CURLE_FTP_COULDNT_RETR_FILE,
                         CURLE_REMOTE_FILE_NOT_FOUND, CURLE_FTP_COULDNT_SET_TYPE, CURLE_LOGIN_DENIED]
        guard fromReply.contains(curlCode), let reply, let status = Int(reply.prefix(3)), status >= 400 else { return }
        error.message = "\(redactURL(url)): FTP 服务器答复（server reply）：\(reply)"
        error.status = status
        // A login refusal keeps the retries decided above (vsftpd's `500 OOPS` is passing trouble).
        if curlCode != CURLE_LOGIN_DENIED, status >= 500 || status == 452 { error.retryable = false }
    }

    /// What a data officer needs to know first about a failed connection.
    static func cause(_ code: CURLcode, osErrno: Int32) -> String? {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return "主机名无法解析（unreachable: host not found）"
        case CURLE_OPERATION_TIMEDOUT: return "超时（timed out）"
        case CURLE_COULDNT_CONNECT:
            switch osErrno {
            case ECONNREFUSED: return "连接被拒绝（connection refused）"
            case ETIMEDOUT: return "连接超时（timed out）"
            default: return "无法连接（unreachable）"
            }
        default: return nil
        }
    }

    /// `host:port` of a URL, for messages.
    static func hostPort(_ url: String) -> String {
        guard let c = URLComponents(string: url), let host = c.host else { return redactURL(url) }
        return c.port.map { "\(host):\($0)" } ?? host
    }

    /// Drops `user:password@` from a URL before it goes into a message.
    static func redactURL(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@"),
              !url[scheme.upperBound..<at].contains("/") else { return url }
        return String(url[..<scheme.upperBound]) + "***@" + String(url[url.index(after: at)...])
    }

    private static func configure(_ h: CurlHandle, _ r: TransferRequest, _ o: TransferOptions, box: ResponseBox,
                                  file: inout UnsafeMutablePointer<FILE>?) throws {
        try h.set(CURLOPT_URL, r.url)
        try h.set(CURLOPT_NOSIGNAL, true)
        try h.set(CURLOPT_CONNECTTIMEOUT, o.connectTimeout)
        try h.set(CURLOPT_LOW_SPEED_LIMIT, o.lowSpeedLimit)
        try h.set(CURLOPT_LOW_SPEED_TIME, o.lowSpeedTime)
        // TLS verification stays at libcurl's default (on); only the trust store can change.
        if let ca = o.caFile { try h.set(CURLOPT_CAINFO, ca) }
        if let u = o.username { try h.set(CURLOPT_USERNAME, u) }
        if let p = o.password { try h.set(CURLOPT_PASSWORD, p) }
        if let key = o.sshPrivateKeyFile {
            try h.set(CURLOPT_SSH_PRIVATE_KEYFILE, key)
            try h.set(CURLOPT_SSH_AUTH_TYPES, Int(CURLSSH_AUTH_PUBLICKEY))
        } else if o.password != nil, r.url.hasPrefix("sftp:") {
            try h.set(CURLOPT_SSH_AUTH_TYPES, Int(CURLSSH_AUTH_PASSWORD | CURLSSH_AUTH_KEYBOARD))
        }
        if let kh = o.sshKnownHosts { try h.set(CURLOPT_SSH_KNOWNHOSTS, kh) }
        if let pin = o.sshHostKeySHA256 { try h.set(CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, pin) }
        if r.url.hasPrefix("ftp") {
            try h.set(CURLOPT_FTP_SKIP_PASV_IP, !o.ftpUsePasvAddress)
            if o.ftpUsePasvAddress { try h.set(CURLOPT_FTP_USE_EPSV, false) }
        }
        if r.listOnly { try h.set(CURLOPT_DIRLISTONLY, true) }
        if r.createMissingDirectories { try h.set(CURLOPT_FTP_CREATE_MISSING_DIRS, Int(CURLFTP_CREATE_DIR_RETRY.rawValue)) }
        try h.set(CURLOPT_QUOTE, list: r.quote)
        try h.set(CURLOPT_POSTQUOTE, list: r.postQuote)
        var probing = false
        if case .probe = r.body { probing = true }
        // No `Expect: 100-continue` on real uploads: it costs a round trip and some gateways mishandle it.
        // The probe announces a multipart body like the upload it stands for: announced as a
        // urlencoded form (curl's default), CKAN's own form-size limit (Werkzeug's 500 kB
        // `max_form_memory_size`, which does not apply to uploaded files) could answer 413
        // before the proxy's verdict is in, and a file the portal accepts would be refused.
        let probeHeaders = ["Expect: 100-continue", "Content-Type: multipart/form-data; boundary=odp-size-probe"]
        try h.set(CURLOPT_HTTPHEADER, list: r.headers + (probing ? probeHeaders : ["Expect:"]))
        try box.install(on: h)

        switch r.body {
        case .none:
            if r.method == "HEAD" { try h.set(CURLOPT_NOBODY, true) }
            else if r.method != "GET" { try h.set(CURLOPT_CUSTOMREQUEST, r.method) }
        case .json(let data):
            try h.set(CURLOPT_POSTFIELDSIZE_LARGE, data.count)
            try data.withUnsafeBytes { try h.set(CURLOPT_COPYPOSTFIELDS, pointer: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)) }
            if r.method != "POST" { try h.set(CURLOPT_CUSTOMREQUEST, r.method) }
        case .file(let url, let size):
            guard let f = fopen(url.path, "rb") else { throw ODPError.io(url.path, "cannot open for upload") }
            file = f
            try h.set(CURLOPT_UPLOAD, true)
            try h.set(CURLOPT_READDATA, pointer: UnsafeRawPointer(f))
            try h.set(CURLOPT_INFILESIZE_LARGE, Int(size))
            if r.url.hasPrefix("http"), r.method != "PUT" { try h.set(CURLOPT_CUSTOMREQUEST, r.method) }
        case .probe(let size):
            try h.set(CURLOPT_POST, true)
            try h.set(CURLOPT_POSTFIELDSIZE_LARGE, Int(size))
            try h.set(CURLOPT_EXPECT_100_TIMEOUT_MS, 3000)
            try h.set(CURLOPT_READFUNCTION, pointer: unsafeBitCast(abortRead, to: UnsafeRawPointer.self))
        case .multipart(let fields, let fileField, let fileURL, let filename):
            guard let mime = curl_mime_init(h.raw) else { throw ODPError.publish("curl", "cannot build a form") }
            try h.attach(mime: mime)
            for (name, value) in fields {
                let part = curl_mime_addpart(mime)
                curl_mime_name(part, name)
                curl_mime_data(part, value, Int(CURL_ZERO_TERMINATED))
            }
            let part = curl_mime_addpart(mime)
            curl_mime_name(part, fileField)
            guard curl_mime_filedata(part, fileURL.path) == CURLE_OK else { throw ODPError.io(fileURL.path, "cannot open for upload") }
            curl_mime_filename(part, filename)
            if r.method != "POST" { try h.set(CURLOPT_CUSTOMREQUEST, r.method) }
        }
    }
}

/// CURL_READFUNC_ABORT: the probe never sends its body.
private let abortRead: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { _, _, _, _ in 0x1000_0000 }
