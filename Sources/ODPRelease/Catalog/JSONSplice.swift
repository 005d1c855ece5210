import Foundation
import ODPCore

/// Pretty JSON of a document with one long array, encoded element by element: the bytes of
/// encoding the whole tree at once, without ever holding that tree. At 21,000 catalog
/// entries the tree of the DCAT document or the open list (and JSONEncoder's own copy of it)
/// was several times the size of the file.
///
/// The document is encoded once with a placeholder string as the array's only element; each
/// element is then encoded alone and indented to the placeholder's depth. JSONEncoder's
/// pretty printing indents a nested value by its depth and escapes newlines inside strings,
/// so every line of an element encoded alone is the same line shifted.
enum JSONSplice {
    /// - Parameters:
    ///   - document: the document, given the array value to put where the elements go.
    ///   - count: how many elements.
    ///   - element: the i-th element's tree.
    ///   - sink: receives the document piece by piece, one element at a time.
    static func encode(count: Int, element: (Int) throws -> ArtifactJSON, document: (ArtifactJSON) throws -> ArtifactJSON, to sink: CatalogSink) throws {
        guard count > 0 else { return try sink.write(document(.array([])).encoded(pretty: true)) }
        let marker = "odp-splice-\(UUID().uuidString)"
        let skeleton = [UInt8](try document(.array([.string(marker)])).encoded(pretty: true))
        let quoted = Array("\"\(marker)\"".utf8)
        guard let at = skeleton.withUnsafeBufferPointer({ s in
            quoted.withUnsafeBufferPointer { ByteSearch.find($0, in: s, from: 0, to: s.count) }
        }) else {
            throw ODPError.io("catalog", "JSON placeholder missing from the encoded document")
        }
        let lineStart = (skeleton[..<at].lastIndex(of: 0x0A) ?? -1) + 1
        let indent = skeleton[lineStart..<at]
        try sink.write(Array(skeleton[..<lineStart]))
        var out = [UInt8]()
        for i in 0..<count {
            out.removeAll(keepingCapacity: true)
            if i > 0 { out.append(contentsOf: Array(",\n".utf8)) }
            out.append(contentsOf: indent)
            for byte in try element(i).encoded(pretty: true) {
                out.append(byte)
                if byte == 0x0A { out.append(contentsOf: indent) }
            }
            try sink.write(out)
        }
        try sink.write(Array(skeleton[(at + quoted.count)...]))
    }
}
