import ArgumentParser
import Foundation
import ODPPipeline
import ODPPortal

extension ODP {
    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what a release holds before it goes out (预览): metadata, fields, rows, quality, privacy, changes.",
            discussion: """
            Shows releases awaiting approval and releases held by a gate (output/held/) as well.
            Wide tables: --fields name,name picks columns; --vertical prints one block per row
            (automatic when the columns would not fit the terminal).
            """)

        @OptionGroup var pipeline: PipelineOptions
        @Argument(help: "Dataset id.") var dataset: String
        @Option(help: "Version (default: the newest one, whatever its status).") var version: String?
        @Option(help: "How many released rows to show.") var rows = 10
        @Flag(help: "Print JSON instead of text.") var json = false
        @Option(help: "Only these fields of the rows, comma-separated names or Chinese titles (for wide tables).")
        var fields: String?
        @Flag(inversion: .prefixedNo, help: "One block per row (字段：值), for wide tables. Default: automatic when the columns would not fit.")
        var vertical: Bool?
        @Flag(help: "Also read the first rows from the source and show each desensitized field before and after (脱敏前后对照). Printed only, never written; not with --json.")
        var beforeAfter = false

        func validate() throws {
            if beforeAfter && json { throw ValidationError("--before-after 只输出到终端，不能与 --json 同时使用") }
        }

        var view: SampleView {
            SampleView(fields: (fields ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                       vertical: vertical)
        }

        func run() throws {
            let workspace = try pipeline.workspace()
            let catalog = workspace.definitions.first { $0.id == dataset }?.catalog
            let root = workspace.layout.root
            if json {
                let data = try ODPPortal.Preview.json(root: root, dataset: dataset, version: version, catalog: catalog, rows: rows, view: view)
                print(String(decoding: data, as: UTF8.self))
            } else {
                var size = winsize()
                let width = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 100
                print(try ODPPortal.Preview.render(root: root, dataset: dataset, version: version, catalog: catalog,
                                                   color: isatty(1) == 1, width: width, rows: rows, view: view))
                if beforeAfter {
                    let sample = try BeforeAfter.sample(workspace: workspace, dataset: dataset, rows: rows, runDate: RunOptions().runDate)
                    print(ODPPortal.Preview.renderBeforeAfter(fields: sample.fields, rows: sample.rows, dropped: sample.dropped,
                                                              color: isatty(1) == 1, width: width))
                }
            }
        }
    }
}
