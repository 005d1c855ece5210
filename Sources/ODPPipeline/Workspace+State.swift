import Foundation
import ODPCore
import ODPPostgres

extension Workspace {
    /// The state store `odp.yml`'s `state:` names: the files under `output/state` by
    /// default, or the shared PostgreSQL store (its URI read from `env:`/`file:` here, and
    /// never logged).
    ///
    /// ## Errors
    /// `secretUnavailable` when the URI's variable or file is missing; `stateStore` when the
    /// server cannot be reached or the schema cannot be created.
    public func openStateStore(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StateStore {
        let state = config.state
        switch state.kind {
        case .files:
            return try FileStateStore(directory: layout.state)
        case .postgres:
            guard let ref = state.url else { throw ODPError.usage("odp.state：缺少 `url`（missing url）").coded(.definition) }
            return try PostgresStateStore(url: try ref.resolve(relativeTo: config.baseDirectory, environment: environment), schema: state.schema)
        }
    }

    /// The audit trail: rows of the shared store when it keeps records, else `state/audit.jsonl`.
    public func auditTrail(store: StateStore) throws -> AuditTrail {
        if let records = store as? SharedRecords { return AuditTrail(records: records) }
        return try AuditTrail(url: layout.auditLog)
    }
}
