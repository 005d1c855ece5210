import Foundation
import Testing

/// The built `odp` binary, run as a child process the way cron runs it. A test awaits the
/// child's termination handler instead of calling `waitUntilExit`, so a run of many seconds
/// does not hold a thread of Swift's cooperative pool.
struct OdpCommand {
    static var binary: URL? {
        // Beside the test bundle first: the same build (scripts/tsan.sh builds into .build-tsan).
        let beside = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("odp").path
        let candidates: [String?] = [ProcessInfo.processInfo.environment["ODP_BIN"], beside,
                                     DemoFixture.repository.appendingPathComponent(".build/debug/odp").path]
        return candidates.compactMap { $0 }.map(URL.init(fileURLWithPath:)).first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// A started `odp`. Its output goes to files, not pipes: a full pipe would stall the child.
    final class Child {
        let process: Process
        let stdoutURL: URL
        let stderrURL: URL
        private let exits: AsyncStream<Int32>

        /// - Parameter wrapper: a command that runs `odp` (`prlimit --as=…`), or none.
        fileprivate init(_ arguments: [String], environment: [String: String], logs directory: URL, wrapper: [String] = []) throws {
            let binary = try #require(OdpCommand.binary, "build the odp binary first (swift build)")
            let stem = directory.appendingPathComponent("odp-\(arguments.first ?? "")-\(UUID().uuidString.prefix(8))")
            stdoutURL = stem.appendingPathExtension("out")
            stderrURL = stem.appendingPathExtension("err")
            for url in [stdoutURL, stderrURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
            process = Process()
            process.executableURL = wrapper.isEmpty ? binary : URL(fileURLWithPath: wrapper[0])
            process.arguments = wrapper.isEmpty ? arguments : Array(wrapper.dropFirst()) + [binary.path] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
            process.standardError = try FileHandle(forWritingTo: stderrURL)
            let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
            exits = stream
            // Set before `run()`, so an instant exit is not missed.
            process.terminationHandler = { p in
                continuation.yield(p.terminationStatus)
                continuation.finish()
            }
            try process.run()
        }

        var isRunning: Bool { process.isRunning }

        /// The exit status (the signal number when a signal ended it).
        func wait() async -> Int32 {
            for await status in exits { return status }
            return process.terminationStatus
        }

        func signal(_ signal: Int32) {
            if process.isRunning { kill(process.processIdentifier, signal) }
        }

        var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    }

    struct Output {
        var status: Int32
        /// False when a signal ended the child (then `status` is the signal number).
        var exited = true
        var stdout: String
        var stderr: String

        /// `odp run --json`: the summary object.
        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "not JSON: \(stdout.prefix(300)) \(stderr.prefix(500))")
        }
    }

    /// Starts `odp arguments…`; logs go into `directory`.
    static func start(_ arguments: [String], environment: [String: String] = [:], logs directory: URL) throws -> Child {
        try Child(arguments, environment: environment, logs: directory)
    }

    /// Runs `odp arguments…` to its end, under `wrapper` when given.
    static func run(_ arguments: [String], environment: [String: String] = [:], logs directory: URL, wrapper: [String] = []) async throws -> Output {
        let child = try Child(arguments, environment: environment, logs: directory, wrapper: wrapper)
        let status = await child.wait()
        return Output(status: status, exited: child.process.terminationReason == .exit, stdout: child.stdout, stderr: child.stderr)
    }
}

/// Runs blocking work (libcurl calls) on a Dispatch thread, so awaiting it does not hold a
/// thread of Swift's cooperative pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
