import Foundation
import ODPCore

/// `GET /catalog/dcat.jsonld?modified_since=T`: the published DCAT catalog cut to the
/// versions (`dcat:Dataset`s) whose `dct:modified` is after `T`, for harvesters that follow
/// changes instead of re-reading the whole catalog (like Eurostat's "updates since"
/// catalogue). Each version is one element of the catalog's `dcat:dataset`, and the newest
/// version of a series carries the series, so whatever passes stays a valid DCAT-AP
/// document. Built from `catalog/dcat.jsonld` itself: nothing here can publish a value the
/// catalog step's gate did not pass.
enum CatalogSince {
    /// - Returns: nil when the file is missing or not a catalog this portal understands.
    static func filter(catalog data: Data, since: String) -> ArtifactJSON? {
        guard var document = try? JSONDecoder().decode(ArtifactJSON.self, from: data),
              case .array(var graph)? = document["@graph"], var catalog = graph.first,
              case .array(let datasets)? = catalog["dcat:dataset"] else { return nil }
        catalog["dcat:dataset"] = .array(datasets.filter { node in
            guard case .string(let modified)? = node["dct:modified"]?["@value"] else { return false }
            return modified > since
        })
        graph[0] = catalog
        document["@graph"] = .array(graph)
        return document
    }
}
