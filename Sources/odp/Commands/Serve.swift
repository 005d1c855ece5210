import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline
import ODPPortal

extension ODP {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the local open-data portal (开放数据门户): list, dataset pages, downloads, API, approvals.",
            discussion: """
            Binds to 127.0.0.1 by default. Binding elsewhere requires --token (env:NAME or
            file:PATH). The approval queue (/approvals: releases awaiting approval and held
            releases) always needs the token; without one it is refused. Only the bound
            address (and localhost on loopback) and the names given with --allow-host are
            answered, so a hostile DNS name pointed at the portal gets 421. The data of a
            有条件开放 dataset is served only with an access token; applications are decided at
            /approvals/access (the same token) or with `odp access` (docs/access.md).
            """)

        @OptionGroup var pipeline: PipelineOptions

        @Option(help: "Address to bind.") var host = "127.0.0.1"
        @Option(help: "Port.") var port = 8080
        @Option(help: "Approval token as a secret reference (env:NAME or file:PATH), never the token itself.")
        var token: String?
        @Option(name: .customLong("allow-host"), help: "A host name browsers use to reach the portal (repeatable), e.g. behind a reverse proxy.")
        var allowHosts: [String] = []

        func validate() throws {
            // A larger number would wrap around to some other port (99999 → 34463).
            guard (0...65535).contains(port) else { throw ValidationError("--port 应在 0 到 65535 之间（port out of range），收到 \(port)") }
        }

        func run() async throws {
            let workspace = try pipeline.workspace()
            let layout = workspace.layout
            var secret: String?
            if let token {
                guard let ref = SecretRef(token) else { throw ValidationError("--token 只接受 env:变量名 或 file:路径，不能直接写令牌本身") }
                secret = try ref.resolve()
            }
            let catalogs = Dictionary(workspace.definitions.map { ($0.id, $0.catalog) }, uniquingKeysWith: { a, _ in a })
            let server = try PortalServer(root: layout.root, host: host, port: port, token: secret, allowedHosts: allowHosts,
                                          catalogs: catalogs, access: workspace.config.access, gate: FeedbackDesk.gate, onAccess: { event, dataset, details in
                // A failed audit write is reported, never hidden, but does not undo the request.
                do { try workspace.auditTrail(store: try workspace.openStateStore()).record(event, dataset: dataset, details: details) } catch {
                    FileHandle.standardError.write(Data("audit trail (\(event)): \(ODPError.from(error))\n".utf8))
                }
            }) { dataset, version, approved, by, note in
                let store = try workspace.openStateStore()
                var approvals = try Approvals(layout: layout, store: store)
                try approvals.record(dataset: dataset, version: version, approved: approved, by: by, note: note)
                try workspace.auditTrail(store: store).record(approved ? "release_approved" : "release_rejected", dataset: dataset,
                                                            details: AuditDetails(version: version, by: by, note: note ?? "", via: "portal"))
            }
            let shownHost = host.contains(":") ? "[\(host)]" : host
            try await server.run { port in
                FileHandle.standardError.write(Data("ODP 门户（portal）已启动：http://\(shownHost):\(port)/（按 Ctrl-C 停止）\n".utf8))
            }
        }
    }
}
