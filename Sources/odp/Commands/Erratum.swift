import ArgumentParser
import Foundation
import ODPCore
import ODPPipeline

extension ODP {
    struct Erratum: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a correction notice (勘误) on a published version, link it to the version that fixes it, or list them.",
            discussion: """
            odp erratum DATASET --version V --text TEXT --by NAME [--fixed-in V2]   record a notice
            odp erratum DATASET --number DATASET-E1 --fixed-in V2 --by NAME          link it to its fix
            odp erratum DATASET --list [--json]                                       list the dataset's notices
            The text is published (portal, feeds): it is scanned for personal data first.
            """)
        @OptionGroup var pipeline: PipelineOptions
        @Argument(help: "Dataset id.") var dataset: String
        @Option(help: "The published version the notice is about.") var version: String?
        @Option(help: "The notice, in Chinese (published).") var text: String?
        @Option(help: "Who records it (audit trail only, not published).") var by: String?
        @Option(name: .customLong("fixed-in"), help: "The published version that corrects it.") var fixedIn: String?
        @Option(help: "An existing notice's number, to link it to --fixed-in.") var number: String?
        @Flag(help: "List the dataset's notices.") var list = false
        @Flag(help: "JSON output (with --list).") var json = false

        func run() throws {
            let book = ErrataBook(layout: try pipeline.workspace().layout)
            if list {
                let errata = try book.list(dataset: dataset)
                if json {
                    print(String(decoding: try ArtifactCodec.encode(ErrataList(errata: errata)), as: UTF8.self), terminator: "")
                } else if errata.isEmpty {
                    print("\(dataset)：没有勘误")
                } else {
                    for e in errata {
                        print("\(e.number)  版本 \(e.version)  \(BeijingTime.text(e.recorded))  \(e.fixedIn.map { "已在 \($0) 更正" } ?? "尚未更正")\n    \(e.text)")
                    }
                }
                return
            }
            guard let by, !by.isEmpty else { throw ValidationError("--by is required: who records the notice") }
            if let number {
                guard let fixedIn else { throw ValidationError("--number needs --fixed-in: the version that corrects it") }
                let e = try book.markFixed(number: number, in: fixedIn, by: by)
                print("\(e.number)：已关联更正版本 \(fixedIn)")
                return
            }
            guard let version else { throw ValidationError("--version is required: the published version the notice is about") }
            guard let text else { throw ValidationError("--text is required: the notice") }
            let e = try book.record(dataset: dataset, version: version, text: text, by: by, fixedIn: fixedIn)
            print("\(e.number)：已记录版本 \(version) 的勘误\(fixedIn.map { "，更正版本 \($0)" } ?? "")")
        }
    }
}
