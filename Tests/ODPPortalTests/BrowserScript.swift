import Foundation
import Testing

/// A script of `scripts/` that drives real headless Chromium through selenium and Debian's
/// chromedriver (a11y-check.py, feedback-walk.py), run with the test venv's python.
enum BrowserScript {
    struct Run { var output: Data; var errors: String; var status: Int32 }

    /// Blocks until the script ends: call it off the cooperative pool, which serves the portal.
    /// nil (the test skipped) without chromedriver or the venv; under ODP_REQUIRE_SERVICES=1 that is an issue.
    static func run(_ script: String, _ arguments: [String]) throws -> Run? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let python = FeedTests.python, BrowserTests.requireChromium() != nil,
              FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            if ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" {
                Issue.record("chromedriver or the test venv is missing: run scripts/setup.sh --test")
            }
            return nil
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [root.appendingPathComponent("scripts/" + script).path] + arguments
        let output = Pipe(), errors = Pipe()
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return Run(output: data, errors: problems, status: p.terminationStatus)
    }
}
