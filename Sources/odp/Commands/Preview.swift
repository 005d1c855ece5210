import ArgumentParser
import Foundation
import ODPPortal

extension ODP {
    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a release holds before it goes out (预览): metadata, fields, rows, quality, privacy, changes.")

        @OptionGroup var pipeline: PipelineOptions
        @Argument(help: "Dataset id.") var dataset: String
        @Option(help: "Version (default: the newest one, whatever its status).") var version: String?
        @Option(help: "How many released rows to show.") var rows = 10
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() throws {
            let workspace = try pipeline.workspace()
            let catalog = workspace.definitions.first { $0.id == dataset }?.catalog
            let root = workspace.layout.root
            if json {
                let data = try ODPPortal.Preview.json(root: root, dataset: dataset, version: version, catalog: catalog, rows: rows)
                print(String(decoding: data, as: UTF8.self))
            } else {
                var size = winsize()
                let width = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 100
                print(try ODPPortal.Preview.render(root: root, dataset: dataset, version: version, catalog: catalog,
                                                   color: isatty(1) == 1, width: width, rows: rows))
            }
        }
    }
}
