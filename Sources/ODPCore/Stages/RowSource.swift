import Foundation

/// The contracts between stages. Data flows one way, extract → check → desensitize →
/// package → upload, as `RowBatch`es; each stage reports what it saw in plain values.
/// Only ODPPipeline wires stages together.

/// A reader of department data (ODPExtract). Pull-based so memory stays bounded.
public protocol RowSource: AnyObject {
    /// The next batch of at most `maxRows` rows, columns in schema order; nil when done.
    /// Throws `ODPError` for faults that stop the dataset (source down, `on_error: fail`).
    func next(maxRows: Int) throws -> RowBatch?
    /// Rows left out because they could not be read (`on_error: reject`).
    var problems: [RowProblem] { get }
    /// The highest watermark value seen so far (incremental extraction), as text.
    var watermark: String? { get }
    /// Primary keys (values in `primary_key` order) of rows the source marked deleted
    /// (`incremental.deleted_flag`); such rows are not returned in batches.
    var deletedKeys: [[String]] { get }
    /// Releases connections and files. Safe to call twice.
    func close()
}
