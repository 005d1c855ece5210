import Foundation
import ODPCore

/// How a Table Schema field is stored in Parquet: its physical type, its logical type, and
/// how a released cell becomes a value. Mirrors `CellKind` (the CSV's normalisation), so a
/// Parquet value is the CSV's value typed.
///
/// | field | Parquet |
/// | --- | --- |
/// | string, code, year, yearmonth, time | BYTE_ARRAY STRING (as written, like the JSON copy) |
/// | integer | INT64 INT(64, signed) |
/// | number with `scale` | INT64 DECIMAL(18, scale) |
/// | number without `scale` | DOUBLE |
/// | boolean | BOOLEAN |
/// | date | INT32 DATE |
/// | datetime | INT64 TIMESTAMP(MICROS); adjusted to UTC when the field has a `time_zone` or every value an offset |
struct ParquetColumnType {
    enum Value {
        case string, integer, decimal(scale: Int), double, boolean
        case date([DateFormat])
        case datetime([DateFormat])
        case timestamp(zone: Int?)
    }

    /// Parquet's physical `Type` enum.
    enum Physical: Int32 { case boolean = 0, int32 = 1, int64 = 2, double = 5, byteArray = 6 }

    let value: Value
    let physical: Physical

    /// INT64 holds 18 decimal digits whatever they are.
    static let decimalPrecision = 18

    init(_ field: FieldDefinition) {
        switch field.type {
        case .string, .code, .year, .yearmonth, .time: value = .string
        case .integer: value = .integer
        case .number: value = field.scale.map { .decimal(scale: $0) } ?? .double
        case .boolean: value = .boolean
        case .date: value = .date(field.format.flatMap(DateFormat.init).map { [$0] } ?? [.isoDate])
        case .datetime:
            if let f = field.format.flatMap(DateFormat.init) { value = .datetime([f]) } else { value = .timestamp(zone: field.timeZone) }
        }
        switch value {
        case .string: physical = .byteArray
        case .integer, .decimal, .datetime, .timestamp: physical = .int64
        case .double: physical = .double
        case .boolean: physical = .boolean
        case .date: physical = .int32
        }
    }

    /// Bytes of one PLAIN value of a fixed-width type (0 for BYTE_ARRAY and BOOLEAN).
    var width: Int {
        switch physical {
        case .int32: 4
        case .int64, .double: 8
        case .boolean, .byteArray: 0
        }
    }

    /// The SchemaElement of the column (an OPTIONAL leaf): physical type, the legacy
    /// ConvertedType old readers need, and the LogicalType. `utc` says whether a timestamp's
    /// values are instants (known only once every value has been seen).
    func schemaElement(name: String, utc: Bool, into t: inout ThriftCompactWriter) {
        t.beginElement()
        t.i32(1, physical.rawValue)
        t.i32(3, 1)  // OPTIONAL: every field may be null
        t.string(4, name)
        switch value {
        case .string:
            t.i32(6, 0)  // UTF8
            t.beginStruct(10); t.emptyStruct(1); t.endStruct()
        case .integer:
            t.i32(6, 18)  // INT_64
            t.beginStruct(10); t.beginStruct(10); t.byte(1, 64); t.bool(2, true); t.endStruct(); t.endStruct()
        case .decimal(let scale):
            t.i32(6, 5)  // DECIMAL
            t.i32(7, Int32(scale)); t.i32(8, Int32(Self.decimalPrecision))
            t.beginStruct(10); t.beginStruct(5); t.i32(1, Int32(scale)); t.i32(2, Int32(Self.decimalPrecision)); t.endStruct(); t.endStruct()
        case .date:
            t.i32(6, 6)  // DATE
            t.beginStruct(10); t.emptyStruct(6); t.endStruct()
        case .datetime, .timestamp:
            t.i32(6, 10)  // TIMESTAMP_MICROS
            t.beginStruct(10); t.beginStruct(8); t.bool(1, utc); t.beginStruct(2); t.emptyStruct(2); t.endStruct(); t.endStruct(); t.endStruct()
        case .double, .boolean:
            break
        }
        t.endStruct()
    }
}
