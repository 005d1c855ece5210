import ArgumentParser
import Foundation
import ODPCore

extension ODP {
    struct Errors: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain an error code (错误代码), or list them all.",
            discussion: """
            Examples:
              odp errors ODP-E0301            what the code means and what to do
              odp errors                      every code with its title
              odp errors --markdown > docs/errors.md   regenerate the catalog
            """)

        @Argument(help: "A code such as ODP-E0301 (default: list every code).") var code: String?
        @Flag(help: "Print the whole catalog as Markdown (docs/errors.md).") var markdown = false

        func run() throws {
            if markdown { return print(ErrorCatalog.markdown(), terminator: "") }
            guard let code else {
                for c in ErrorCode.all { print("\(c)  \(c.title)") }
                return
            }
            guard let found = ErrorCode.named(code) else {
                throw ValidationError("没有错误代码 \(code)（unknown code）；运行 odp errors 列出全部代码")
            }
            print("\(found)  \(found.title)\n\n\(found.explanation)")
        }
    }
}
