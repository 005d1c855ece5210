import Foundation
import ODPCore
import Testing
@testable import ODPPublish

@Suite("Publisher.validate")
struct ValidateTests {
    private func diagnostics(_ targets: String) -> [Diagnostic] {
        let dir = Fixtures.tempDirectory("validate")
        let (config, loadDiagnostics) = Fixtures.config(targets, in: dir)
        guard let config else { return loadDiagnostics.filter { $0.severity == .error } }
        return Publisher.validate(config).filter { $0.severity == .error }
    }

    @Test("a well-formed set of targets has no errors")
    func clean() {
        let d = diagnostics("""
          - type: dir
            path: drop
          - type: ckan
            url: https://data.example.gov.cn
            token: env:CKAN_TOKEN
            organization: jtj
          - type: http
            url: https://gw.example.gov.cn/upload/{dataset}/{version}/{file}
            secret: file:/etc/odp/hmac
          - type: sftp
            url: sftp://10.0.0.5:22/incoming
            user: odp
            private_key: file:/etc/odp/id_ed25519
            host_key_sha256: SHA256:XQrXqPh67+DwAZ34zHfs2Jid6rlY0blqeExc/ye/Gho
          - type: ftp
            url: ftp://127.0.0.1:21/in
            user: odp
            password: env:FTP_PASSWORD
        """)
        #expect(d.isEmpty, "\(d)")
    }

    @Test("an unknown type gets a did-you-mean with its line")
    func unknownType() {
        let d = diagnostics("  - type: ckna\n    url: https://x")
        #expect(d.count == 1)
        #expect(d.first?.message.contains("未知的上传目标类型（unknown type）`ckna`") == true)
        #expect(d.first?.hint?.contains("`ckan`") == true)
        #expect(d.first?.location.line == 4)
    }

    @Test("an unknown key is named with the closest known key")
    func unknownKey() {
        let d = diagnostics("  - type: dir\n    path: drop\n    pth: x")
        #expect(d.contains { $0.message.contains("未知的键（unknown key）`pth`") && $0.hint?.contains("`path`") == true })
    }

    @Test("a secret written inline is refused")
    func inlineSecret() {
        let d = diagnostics("  - type: ckan\n    url: https://x.org\n    token: abcdef123456\n    organization: o")
        #expect(d.contains { $0.message.contains("写入了明文密钥（secret written inline）") })
        #expect(!d.description.contains("abcdef123456") || d.allSatisfy { !$0.message.contains("abcdef123456") })
    }

    @Test("a missing url, a password in the url and a wrong scheme are errors")
    func urls() {
        #expect(diagnostics("  - type: ckan\n    token: env:T\n    organization: o").contains { $0.message.contains("缺少必填键（missing required key）`url`") })
        #expect(diagnostics("  - type: ftp\n    url: ftp://u:pw@h/x\n    user: u\n    password: env:P").contains { $0.message.contains("holds a password") })
        #expect(diagnostics("  - type: sftp\n    url: ftp://h/x\n    user: u\n    password: env:P\n    known_hosts: kh").contains { $0.message.contains("sftp://") })
    }

    @Test("switching off TLS or host key checks is refused, and SFTP needs a pinned host key")
    func insecure() {
        #expect(diagnostics("  - type: ckan\n    url: https://x.org\n    token: env:T\n    organization: o\n    insecure: true").contains { $0.message.contains("不能关闭（cannot be turned off）") })
        #expect(diagnostics("  - type: sftp\n    url: sftp://h/x\n    user: u\n    private_key: file:k").contains { $0.message.contains("没有固定服务器的主机密钥（host key is not pinned）") })
    }

    @Test("a CA file or known_hosts file that does not exist is an error")
    func missingFiles() {
        #expect(diagnostics("  - type: ckan\n    url: https://x.org\n    token: env:T\n    organization: o\n    ca_file: no-such-ca.pem").contains { $0.message.contains("does not exist") })
        #expect(diagnostics("  - type: sftp\n    url: sftp://h/x\n    user: u\n    private_key: file:k\n    known_hosts: nope").contains { $0.message.contains("does not exist") })
    }

    @Test("two targets with the same name are an error")
    func duplicateNames() {
        #expect(diagnostics("  - type: dir\n    path: a\n  - type: dir\n    path: b").contains { $0.message.contains("used twice") })
    }

    @Test("a missing secret fails that target's uploads, naming the target and variable, and secretProblems reports it")
    func missingSecret() throws {
        let dir = Fixtures.tempDirectory("validate-secret")
        let (config, _) = Fixtures.config("  - name: portal\n    type: ckan\n    url: http://127.0.0.1:1\n    token: env:ODP_TEST_NO_SUCH_TOKEN\n    organization: o", in: dir)
        let loaded = try #require(config)
        // Built regardless: one target's missing secret must not stop a run before it reports.
        let publisher = try Publisher(config: loaded, stateDirectory: dir, environment: [:])
        let file = dir.appendingPathComponent("open-list.csv")
        try Data("a\n".utf8).write(to: file)
        #expect {
            try publisher.publishCatalog(files: [file])
        } throws: { "\($0)".contains("portal") && "\($0)".contains("ODP_TEST_NO_SUCH_TOKEN") }
        #expect(Publisher.secretProblems(loaded, environment: [:]) == ["上传目标 portal：密钥 env:ODP_TEST_NO_SUCH_TOKEN 未设置（not set）：运行前先设置环境变量 ODP_TEST_NO_SUCH_TOKEN（export ODP_TEST_NO_SUCH_TOKEN=…）"])
        #expect(Publisher.secretProblems(loaded, environment: ["ODP_TEST_NO_SUCH_TOKEN": "t0ken"]).isEmpty)
    }
}
