import Foundation
import ODPCore
import ODPPipeline
import ODPRelease
import Testing
import Yams

/// Issue 15, item 10: every key README documents has an effect on what a run produces.
///
/// The keys are read from README.md itself (the `odp.yml` and dataset examples, the
/// desensitization and rule tables, the source, privacy, compare/screens/gate and target
/// paragraphs), so a key added to README without a check here fails `everyKeyIsCovered`.
/// A key is covered by a `Check` (an assertion on the base run, which uses every key at
/// once) or a `Probe` (a differential run: the base workspace with that one key changed,
/// asserting the output differs where the key says it should), or is listed in `excluded`
/// with the suite that covers it (keys that need a server).
@Suite("Every documented key has an effect")
struct DocumentedKeysTests {
    // MARK: - Keys README documents

    static let readme = (try? String(contentsOf: DemoFixture.repository.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// README text from `heading` up to the next heading of the same or a higher level.
    static func section(_ heading: String) -> String {
        guard let start = readme.range(of: heading) else { return "" }
        let rest = readme[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        let next = rest.range(of: "\n### ")?.lowerBound ?? rest.endIndex
        return String(rest[..<min(end, next)])
    }

    /// The paragraph (up to a blank line) that starts with `opening`.
    static func paragraph(_ opening: String) -> String {
        guard let start = readme.range(of: opening) else { return "" }
        let rest = readme[start.lowerBound...]
        return String(rest[..<(rest.range(of: "\n\n")?.lowerBound ?? rest.endIndex)])
    }

    static func backticked(_ text: String) -> [String] {
        text.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }

    /// The names in one backticked token: `when: {field, equals}` → when, field, equals;
    /// `expression: "a >= b"` → expression (a quoted example is not a key).
    static func words(_ token: String) -> [String] {
        // `when_count_below: n`: a one-letter value is a placeholder.
        let token = token.range(of: #"^[a-z_]+: [a-z]$"#, options: .regularExpression) != nil ? String(token.prefix { $0 != ":" }) : token
        let unquoted = token.split(separator: "\"", omittingEmptySubsequences: false).first.map(String.init) ?? token
        let regex = try! NSRegularExpression(pattern: "[A-Za-z_][A-Za-z0-9_.-]*")
        return regex.matches(in: unquoted, range: NSRange(unquoted.startIndex..., in: unquoted))
            .map { String(unquoted[Range($0.range, in: unquoted)!]) }
            .filter { !["true", "false"].contains($0) && !$0.hasSuffix(".json") }
    }

    static func yamlKeys(_ yaml: String, prefix: String) throws -> Set<String> {
        var out = Set<String>()
        func walk(_ node: Node, _ path: String) {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping {
                    // Children of `code_tables:` are names the user chooses.
                    let name = path.hasSuffix("code_tables") ? "*" : (key.string ?? "?")
                    let child = path.isEmpty ? name : path + "." + name
                    out.insert(child)
                    walk(value, child)
                }
            case .sequence(let items):
                for item in items { walk(item, path + "[]") }
            default: break
            }
        }
        if let node = try Yams.compose(yaml: yaml) { walk(node, prefix) }
        return out
    }

    /// The rows of a Markdown table: cells split on `|` (not `\|`).
    static func tableRows(_ text: String) -> [[String]] {
        text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| ---") }.map {
            $0.replacingOccurrences(of: "\\|", with: "¦").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    static func documentedKeys() throws -> Set<String> {
        var keys = Set<String>()
        let global = try #require(ReadmeReferenceTests.yamlBlock(after: "### `odp.yml`"))
        let dataset = try #require(ReadmeReferenceTests.yamlBlock(after: "### A dataset"))
        keys.formUnion(try yamlKeys(global, prefix: "odp"))
        keys.formUnion(try yamlKeys(dataset, prefix: ""))
        // Two comments in the dataset example document keys and values too:
        // `type: sqlite  # sqlite | postgres | …` and `table: …  # or `query:` (SQL), with `parameters: [...]``.
        for line in dataset.split(separator: "\n") {
            let parts = line.split(separator: "#", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("type: sqlite") {
                for value in parts[1].split(separator: "|") { keys.insert("source.type.\(value.trimmingCharacters(in: .whitespaces))") }
            } else if key.hasPrefix("table:") {
                for token in backticked(parts[1]) { for w in words(token) { keys.insert("source.\(w)") } }
            }
        }

        // `compare.explain` has its own example, and the table `reference` its own paragraph.
        if let explain = ReadmeReferenceTests.yamlBlock(after: "`compare.explain` states why") {
            keys.formUnion(try yamlKeys(explain, prefix: ""))
        }
        if backticked(paragraph("`reference` (field rule")).contains("local_field") { keys.insert("rule.table.reference.local_field") }
        // Source-specific keys: "`csv` takes `encoding` (…), …; `xlsx` takes …".
        for clause in paragraph("Source-specific keys:").split(separator: ";") {
            let tokens = backticked(String(clause))
            guard let type = tokens.first else { continue }
            for token in tokens.dropFirst() { for w in words(token) { keys.insert("source.\(type).\(w)") } }
        }
        // `source.limits`: "`max_cell_mb` (default 1; …), `max_json_depth` (64; …), …".
        for token in backticked(paragraph("`source.limits` bounds")) where token.hasPrefix("max_") {
            keys.insert("source.limits.\(token)")
        }
        // Desensitization operators: the op, and every name in its parameter column. The
        // section's other table, of three columns, lists the identifier kinds a field may `allow:`.
        for row in tableRows(section("### Desensitization")) where row.count >= 2 {
            guard let op = backticked(row[0]).first else { continue }
            if row.count >= 3 { keys.insert("allow.kind.\(op)"); continue }
            keys.insert("desensitize.\(op)")
            for token in backticked(row[1]) { for w in words(token) { keys.insert("desensitize.\(op).\(w)") } }
        }
        // Rules: "`min`/`max` (`value`)": types outside parentheses, parameters inside.
        let checks = section("### Checks")
        for row in tableRows(checks) where row.count >= 2 {
            guard let scope = row[0].split(separator: " ").first.map(String.init), ["field", "row", "table"].contains(scope) else { continue }
            // `min`/`max` share their parameters; a comma starts a new type.
            var group: [String] = [], depth = 0, inTick = false, token = "", gap = ""
            for c in row[1] {
                if c == "`" {
                    if inTick {
                        if depth == 0 {
                            group = gap.trimmingCharacters(in: .whitespaces) == "/" ? group + [token] : [token]
                            keys.insert("rule.\(scope).\(token)")
                        } else {
                            for type in group { for w in words(token) { keys.insert("rule.\(scope).\(type).\(w)") } }
                        }
                        token = ""
                        gap = ""
                    }
                    inTick.toggle()
                } else if inTick {
                    token.append(c)
                } else {
                    if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
                    if depth == 0 && c != ")" { gap.append(c) }
                }
            }
        }
        for token in backticked(paragraph("Every rule takes")) { for w in words(token) { keys.insert("rule.*.\(w)") } }
        // `privacy:` — …; `compare:` … `screens:` … `gate:` ….
        for token in backticked(paragraph("`privacy:` —")) { for w in words(token) where w != "privacy" { keys.insert("privacy.\(w)") } }
        var scope = "compare"
        for token in backticked(paragraph("`compare:` (against")) {
            if ["compare:", "screens:", "gate:"].contains(token) { scope = String(token.dropLast()); continue }
            for w in words(token) { keys.insert("\(scope).\(w)") }
        }
        // Upload targets: the table, and the keys every target takes.
        for row in tableRows(section("### Upload targets")) where row.count >= 2 {
            guard let type = backticked(row[0]).first else { continue }
            for token in backticked(row[1]) { for w in words(token) { keys.insert("target.\(type).\(w)") } }
        }
        for token in backticked(paragraph("All targets take")) { for w in words(token) { keys.insert("target.*.\(w)") } }
        return keys
    }

    // MARK: - Keys covered elsewhere

    /// Keys this suite does not run, each with the suite that does. Prefixes end in `.`.
    static let excluded: [String: String] = [
        "source.postgres.": "ODPExtractTests/PostgresSourceTests, ODPPipelineTests/SourceProbeTests for `probe` (needs a PostgreSQL server; scripts/test.sh)",
        "source.type.postgres": "ODPExtractTests/PostgresSourceTests (needs a PostgreSQL server; scripts/test.sh)",
        "target.ckan.": "ODPPublishTests/CKANTargetTests, ODPPipelineTests/DemoCKANTests (needs a CKAN server)",
        "target.http.": "ODPPublishTests/HTTPTargetTests, TLSTests (needs an HTTP server)",
        "target.sftp.": "ODPPublishTests/FileDropServerTests (needs an SFTP server)",
        "target.ftp.": "ODPPublishTests/FileDropServerTests (needs an FTP server)",
        "target.database.": "ODPPublishTests/DatabaseTargetTests (needs a PostgreSQL server): url, schema, keep_versions, ssl_mode; ca_file in DatabaseTargetSettingsTests",
        "allow.kind.person_name": "ODPDesensitizeTests/NameDetectorQualityTests (looked for only in person-name fields, which are direct here)",
        "allow.kind.embedded_identifier": "the mask_embedded probe here (held without it) and ODPDesensitizeTests/EmbeddedIdentifierTests",
        "source.limits.": "ODPPipelineTests/SourceLimitsTests (each limit hit by a hostile file, run under a memory limit)",
        "target.*.connect_timeout": "ODPPublishTests/RetryAndCurlTests (network targets only)",
        "target.*.low_speed_time": "ODPPublishTests/RetryAndCurlTests (network targets only)",
        "target.*.retries": "ODPPublishTests/RetryAndCurlTests (network targets only)",
        "target.*.retry_base_delay": "ODPPublishTests/RetryAndCurlTests (network targets only)",
        "target.*.retry_budget": "ODPPublishTests/RetryAndCurlTests (network targets only)",
    ]

    static func isExcluded(_ key: String) -> Bool {
        excluded.keys.contains { $0.hasSuffix(".") ? key.hasPrefix($0) : (key == $0 || key.hasPrefix($0 + ".")) }
    }

    static var coveredKeys: Set<String> {
        Set(checks.flatMap(\.keys) + probes.flatMap(\.keys))
    }

    @Test("README documents at least the keys this suite knows, read from its examples and tables")
    func extractionFindsTheKnownKeys() throws {
        let keys = try Self.documentedKeys()
        // A broken extractor would pass `everyKeyIsCovered` trivially.
        for key in ["odp.keys.signing.secret", "release.formats", "fields[].desensitize.keep_first", "desensitize.mask_embedded.fields",
                    "rule.field.code_table.as_of_field", "rule.table.sum_equals.equals_sum_of", "gate.allow_empty", "source.csv.max_quoted_lines",
                    "privacy.redact_marker", "screens.outliers", "rule.*.severity", "target.dir.path", "source.type.ndjson", "source.parameters",
                    "compare.explain[].until", "rule.table.reference.local_field", "rule.field.reference.dataset", "allow.kind.taiwan_permit"] {
            #expect(keys.contains(key), "README extraction lost `\(key)`")
        }
        #expect(keys.count > 150, "\(keys.count) keys")
    }

    @Test("every key README documents is asserted here or excluded with the suite that covers it")
    func everyKeyIsCovered() throws {
        let covered = Self.coveredKeys
        let missing = try Self.documentedKeys().filter { !covered.contains($0) && !Self.isExcluded($0) }.sorted()
        #expect(missing.isEmpty, "documented keys with no check in DocumentedKeysTests: \(missing.joined(separator: ", "))")
        // Every suite an exclusion names exists.
        let suite = try NSRegularExpression(pattern: "(ODP[A-Za-z]+Tests)/([A-Za-z]+)")
        for reason in Self.excluded.values {
            for m in suite.matches(in: reason, range: NSRange(reason.startIndex..., in: reason)) {
                let path = "Tests/\(reason[Range(m.range(at: 1), in: reason)!])/\(reason[Range(m.range(at: 2), in: reason)!]).swift"
                #expect(FileManager.default.fileExists(atPath: DemoFixture.repository.appendingPathComponent(path).path), "\(path) does not exist")
            }
        }
        // And nothing here claims a key README no longer documents.
        let documented = try Self.documentedKeys()
        let stale = covered.filter { !documented.contains($0) }.sorted()
        #expect(stale.isEmpty, "checks name keys README does not document: \(stale.joined(separator: ", "))")
    }

    // MARK: - The base run

    struct RunFailure: Error, Sendable { let message: String }

    /// Run once, shared by every check and probe.
    static let baseRun: Result<KeysRun, RunFailure> = {
        do { return .success(try KeysWorkspace.base.run()) } catch { return .failure(RunFailure(message: "\(error)")) }
    }()

    @Test("the base run uses every key and publishes", arguments: checks)
    func baseRunCheck(_ check: Check) throws {
        let run = try Self.baseRun.get()
        #expect(run.errors.isEmpty, "\(run.errors)")
        try check.assert(run)
    }

    @Test("a version's explanation applies once: the next flagged jump is held again")
    func explanationAppliesOnce() throws {
        var second = KeysWorkspace.base
        second.flaggedDelivery(explain: "[{version: \"@NEXT_VERSION@\", text: 两区合并后的键值变化}]")
        // The third delivery falls again, with the same entry (naming the second release).
        var third = second
        third.dataset = third.dataset.replacingOccurrences(of: "@NEXT_VERSION@", with: "@RELEASED_VERSION@")
        third.csv = third.csv.components(separatedBy: "\n").enumerated().filter { $0.offset == 0 || $0.offset > 12 }.map(\.element).joined(separator: "\n")
        let runs = try KeysWorkspace.run([KeysWorkspace.base, second, third])
        defer { runs[0].remove() }
        #expect(runs[1].status == .published && runs[1].explanations.first?["status"] as? String == "applied", "\(runs[1].reasons)")
        #expect(runs[2].status == .held, "\(runs[2].reasons)")
        #expect(runs[2].explanations.first?["status"] as? String == "stale", "\(runs[2].explanations)")
    }

    @Test("changing one key changes the output where the key says", arguments: probes)
    func probe(_ probe: Probe) throws {
        let base = try Self.baseRun.get()
        var variant = KeysWorkspace.base
        probe.change(&variant)
        var previous: KeysWorkspace?
        if let before = probe.before {
            var first = KeysWorkspace.base
            before(&first)
            previous = first
        }
        let comparisonBase: KeysRun
        if previous != nil || probe.baseChange != nil {
            // A key that compares with the previous release: the base, also run after it.
            var again = KeysWorkspace.base
            probe.baseChange?(&again)
            comparisonBase = try again.run(after: previous)
        } else {
            comparisonBase = base
        }
        let run = try variant.run(after: previous)
        defer {
            run.remove()
            if comparisonBase.root != base.root { comparisonBase.remove() }
        }
        try probe.expect(comparisonBase, run)
    }
}

/// An assertion on the base run, naming the keys it proves have an effect.
struct Check: Sendable, CustomTestStringConvertible {
    let keys: [String]
    let assert: @Sendable (KeysRun) throws -> Void
    var testDescription: String { keys.joined(separator: ", ") }
    init(_ keys: [String], _ assert: @escaping @Sendable (KeysRun) throws -> Void) {
        self.keys = keys
        self.assert = assert
    }
}

/// A differential run: the base workspace with `change` applied, compared with the base.
/// `before`, when set, makes a first release (from the base with `before` applied) that both
/// the base and the variant run after.
struct Probe: Sendable, CustomTestStringConvertible {
    let keys: [String]
    let change: @Sendable (inout KeysWorkspace) -> Void
    var before: (@Sendable (inout KeysWorkspace) -> Void)?
    var baseChange: (@Sendable (inout KeysWorkspace) -> Void)?
    let expect: @Sendable (_ base: KeysRun, _ variant: KeysRun) throws -> Void
    var testDescription: String { keys.joined(separator: ", ") }

    init(_ keys: [String], before: (@Sendable (inout KeysWorkspace) -> Void)? = nil, baseChange: (@Sendable (inout KeysWorkspace) -> Void)? = nil,
         _ change: @escaping @Sendable (inout KeysWorkspace) -> Void,
         expect: @escaping @Sendable (_ base: KeysRun, _ variant: KeysRun) throws -> Void) {
        self.keys = keys
        self.change = change
        self.before = before
        self.baseChange = baseChange
        self.expect = expect
    }
}
