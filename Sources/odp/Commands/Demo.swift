import ArgumentParser
import Foundation
import ODPDemoData

extension ODP {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tools for the bundled demo.",
            subcommands: [Generate.self])

        struct Generate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Regenerate the demo's department data (deterministic: identical bytes every time).")

            @Option(help: "Where to write the source files.")
            var output: String = "pipelines/demo/data"

            func run() throws {
                try DemoGenerator.generateDemo(into: URL(fileURLWithPath: output))
                print("演示数据已写入（demo data written）：\(output)")
            }
        }
    }
}
