import ODPCore

struct PseudonymOperator: OperatorUnit {
    static let slug = "pseudonym"
    static let parameters: String? = "`prefix`, `bytes` (4–32, default 16): HMAC-SHA256 with `keys.pseudonym`, written in letters (format 2, below); stable across releases and datasets, rotated by a new key id"
    static let summary = UnitSummary(chinese: "以密钥 HMAC-SHA256 生成只含字母的假名，同一密钥编号下可关联",
                                     english: "A keyed HMAC-SHA256 pseudonym in letters, joinable under the same key id")
    static let findings = ["已假名化（HMAC-SHA256，密钥编号 {key_id}，格式版本 {format}，只含字母）：同一取值在同一密钥编号下得到相同假名，可用于关联"]

    let prefix: [UInt8]
    let bytes: Int

    static func parse(_ op: OperatorParse) -> PseudonymOperator? {
        PseudonymOperator(prefix: Array((op.r.string("prefix") ?? "").utf8), bytes: op.r.int("bytes", range: 4...32) ?? 16)
    }

    var needs: [OperatorNeed] { [.pseudonymKey] }

    func compile(_ c: OperatorCompile) throws -> any CellOperator {
        guard let key = c.context.pseudonymKey, !key.isEmpty, let keyID = c.context.pseudonymKeyID, !keyID.isEmpty else {
            let why = c.context.pseudonymKeyProblem ?? "odp.yml 中没有 keys.pseudonym"
            throw ODPError.usage("字段 `\(c.field.name)`：假名化（pseudonym）需要假名化密钥（\(why)）；没有密钥不发布").coded(.secretUnavailable)
        }
        // The key id is hashed in, so a new key id rotates every pseudonym even with the same secret.
        return Cell(prefix: prefix, bytes: bytes, hmac: PseudonymHMAC(key: key, keyID: keyID))
    }

    func note(_ c: OperatorNote) -> String {
        "已假名化（HMAC-SHA256，密钥编号 \(c.context.pseudonymKeyID ?? "")，格式版本 \(PseudonymHMAC.formatVersion)，只含字母）：同一取值在同一密钥编号下得到相同假名，可用于关联"
    }

    struct Cell: CellOperator {
        let prefix: [UInt8]
        let bytes: Int
        let hmac: PseudonymHMAC

        /// HMAC-SHA256(key, key id ‖ 0x1F ‖ value): surrounding spaces trimmed and ASCII letters
        /// upper-cased first, so `…x` and `…X` ID numbers give the same pseudonym. Written in
        /// `PseudonymHMAC.alphabet` (format version `PseudonymHMAC.formatVersion`). A blank
        /// cell stays as it is.
        func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
                   found: (IdentifierKind) -> Void) -> CellResult {
            if cell.allSatisfy({ $0 == 0x20 }) { return .copy }
            var s = 0, e = cell.count
            while s < e, cell[s] == 0x20 { s += 1 }
            while e > s, cell[e - 1] == 0x20 { e -= 1 }
            out.append(contentsOf: prefix)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(32, e - s)) { buf in
                for i in s..<e { let b = cell[i]; buf[i - s] = b >= 0x61 && b <= 0x7a ? b - 0x20 : b }
                hmac.mac(UnsafeBufferPointer(rebasing: buf[0..<(e - s)]), into: buf.baseAddress!)
                PseudonymHMAC.appendLetters(UnsafeBufferPointer(start: buf.baseAddress!, count: min(bytes, 32)), into: &out)
            }
            return .scratch
        }
    }
}
