import Foundation
import ODPCore
import ODPExtract

/// Feeds arbitrary bytes to one of ODP's readers (CSV, GB18030 CSV, XLSX, JSON, NDJSON, YAML
/// definitions). A reader may reject the input with an `ODPError`; it must never crash,
/// hang or read out of bounds. Built two ways (see docs/fuzzing.md): as a libFuzzer target
/// (`-D ODP_FUZZ`, `-sanitize=fuzzer`) and, normally, as a replayer of the corpus that the
/// test suite runs.
enum FuzzHarness {
    enum Target: String, CaseIterable {
        case csv, gb18030, xlsx, json, ndjson, yaml
    }

    static let scratch: URL = {
        let dir = URL(fileURLWithPath: "/dev/shm").appendingPathComponent("odp-fuzz-\(getpid())")
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? dir : FileManager.default.temporaryDirectory.appendingPathComponent("odp-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        return base
    }()

    static func run(_ target: Target, _ bytes: UnsafeRawBufferPointer) {
        if target == .yaml {
            _ = DatasetDefinition.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz.yml")
            return
        }
        let file = scratch.appendingPathComponent("input.\(target.rawValue)")
        guard FileManager.default.createFile(atPath: file.path, contents: Data(bytes)) else { return }
        guard let source = try? Extractor.open(definition(target, path: file.path), since: nil, environment: [:]) else { return }
        defer { source.close() }
        while let batch = try? source.next(maxRows: 64) {
            // Touch every cell so an out-of-bounds slice would trap here.
            for r in 0..<batch.rowCount { for c in 0..<batch.columnCount { _ = batch.cellBytes(r, c)?.count } }
        }
    }

    /// Three text fields, mapped by position-independent names the corpus uses (a, b, c).
    static func definition(_ target: Target, path: String) -> DatasetDefinition {
        let kind: SourceSpec.Kind = switch target {
        case .csv, .gb18030: .csv
        case .xlsx: .xlsx
        case .json: .json
        case .ndjson: .ndjson
        case .yaml: .csv
        }
        var source = SourceSpec(kind: kind, path: path, onError: .reject)
        if target == .gb18030 { source.encoding = .gb18030 }
        let fields = ["a", "b", "c"].map { FieldDefinition(name: $0, title: $0, type: .string) }
        let catalog = CatalogMetadata(title: "fuzz", code: "fuzz", provider: "fuzz", providerCode: "fuzz", summary: "fuzz",
                                      domain: "fuzz", openType: .unconditional, updateCycle: .irregular, license: "CC0-1.0")
        return DatasetDefinition(id: "fuzz", catalog: catalog, source: source, schema: Schema(fields), file: path)
    }
}

#if ODP_FUZZ
nonisolated(unsafe) private var selected: FuzzHarness.Target?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if selected == nil {
        selected = ProcessInfo.processInfo.environment["ODP_FUZZ_TARGET"].flatMap(FuzzHarness.Target.init) ?? .csv
    }
    FuzzHarness.run(selected!, UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// libFuzzer's driver (compiler-rt has no Swift module). Its arguments are pointers and an
/// int, which Swift and C pass alike.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable's `main` to `odp_fuzz_main` (so tests can link the module),
/// which leaves libFuzzer's own `main` out: start its driver from here instead.
@_cdecl("odp_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzTestOneInput)
}
#else
/// Replays corpus files: `odp-fuzz TARGET FILE…` (used by the tests and to reproduce a crash).
@main
struct FuzzReplay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard let first = args.first, let target = FuzzHarness.Target(rawValue: first) else {
            print("usage: odp-fuzz (\(FuzzHarness.Target.allCases.map(\.rawValue).joined(separator: "|"))) FILE…")
            exit(1)
        }
        for path in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            data.withUnsafeBytes { FuzzHarness.run(target, $0) }
        }
        try? FileManager.default.removeItem(at: FuzzHarness.scratch)
        print("replayed \(args.count - 1) input(s) for \(target.rawValue)")
    }
}
#endif
