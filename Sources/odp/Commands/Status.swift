import ArgumentParser
import Foundation
import ODPPipeline
import ODPPublish
import ODPRelease

extension ODP {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each dataset's latest release, last run and what is published where or pending.")

        @OptionGroup var pipeline: PipelineOptions

        func run() throws {
            let workspace = try pipeline.workspace()
            let layout = workspace.layout
            let states = DatasetState.loadAll(layout.stateFile)
            for definition in workspace.definitions {
                let latest = try ReleaseReader.latest(datasetId: definition.id, root: layout.root)
                let state = states[definition.id]
                print("\(definition.id)  \(definition.catalog.title)")
                print("    latest release: \(latest?.version ?? "none")   last run: \(state?.lastOutcome ?? "never")")
            }
            guard !workspace.config.targets.isEmpty else { return }
            let publisher = try Publisher(config: workspace.config, stateDirectory: layout.state,
                                          environment: ProcessInfo.processInfo.environment)
            print("\nUploads:")
            for entry in try publisher.status() { print("    \(entry)") }
        }
    }
}
