// TEMPORARY local benchmark for ODPRelease (not committed).
import Foundation
import ODPCore
import ODPRelease

let dir = URL(fileURLWithPath: "/tmp/odp-release-bench")
try? FileManager.default.removeItem(at: dir)
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)

let schema = Schema([
    FieldDefinition(name: "id", title: "编号", type: .integer),
    FieldDefinition(name: "name", title: "名称", type: .string),
    FieldDefinition(name: "district", title: "区", type: .string),
    FieldDefinition(name: "capital", title: "注册资本", type: .number, scale: 2),
    FieldDefinition(name: "founded", title: "成立日期", type: .date, format: "YYYYMMDD"),
    FieldDefinition(name: "active", title: "存续", type: .boolean),
    FieldDefinition(name: "address", title: "地址", type: .string),
    FieldDefinition(name: "employees", title: "人数", type: .integer),
])
let catalog = CatalogMetadata(title: "企业", code: "X", provider: "P", providerCode: "C", summary: "S", domain: "D", openType: .unconditional, updateCycle: .monthly, license: "CC-BY-4.0")
let def = DatasetDefinition(id: "bench", catalog: catalog, source: SourceSpec(kind: .csv, path: "x"), schema: schema, primaryKey: ["id"])

// Build batches once (not timed).
var batches: [RowBatch] = []
var x: UInt64 = 88172645463325252
let districts = ["福田区", "罗湖区", "南山区", "宝安区", "龙岗区", "盐田区", "龙华区", "坪山区"]
var rowId = 0
var estimated = 0
while estimated < 180_000_000 {
    var b = RowBatch(columnCount: schema.fields.count, rowCapacity: 10_000)
    for _ in 0..<10_000 {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        rowId += 1
        b.appendCell(String(rowId))
        b.appendCell("深圳市某某\(x % 100_000)科技有限公司")
        b.appendCell(districts[Int(x % 8)])
        b.appendCell("\(x % 1_000_000).\(x % 10)")
        b.appendCell(String(format: "%04d%02d%02d", 1990 + Int(x % 34), 1 + Int(x % 12), 1 + Int(x % 28)))
        b.appendCell(x % 3 == 0 ? "否" : "是")
        b.appendCell("广东省深圳市\(districts[Int(x % 8)])某某路\(x % 999)号\(x % 30)栋, \(x % 20)楼")
        b.appendCell(String(x % 5000))
        b.endRow(sourceRow: rowId)
        estimated += 140
    }
    batches.append(b)
}

func cpu() -> Double {
    var ts = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
func time(_ body: () throws -> Void) rethrows -> Double {
    let t = Date(); let c = cpu(); try body()
    let wall = Date().timeIntervalSince(t), used = cpu() - c
    print(String(format: "   [wall %.2fs, cpu %.2fs]", wall, used))
    return wall
}

// 1. CSV+JSON writer alone (first release: no fingerprints), via ReleaseWriter.write.
let root = dir.appendingPathComponent("out")
let writer = try ReleaseWriter(definition: def, schema: schema, outputRoot: root, runTime: Date(timeIntervalSince1970: 1_763_900_000))
let tw = try time { for b in batches { try writer.write(b) } }
let tf = try time { _ = try writer.finish(reports: [], status: .released) }
let rel = root.appendingPathComponent("releases/bench/2025.11.23.1")
let csvURL = rel.appendingPathComponent("data/bench.csv")
let csvSize = (try FileManager.default.attributesOfItem(atPath: csvURL.path)[.size] as! NSNumber).intValue
let jsonSize = (try FileManager.default.attributesOfItem(atPath: rel.appendingPathComponent("data/bench.json").path)[.size] as! NSNumber).intValue
print(String(format: "write: %.2fs  CSV %.1f MB (%.0f MB/s of CSV, %.0f MB/s CSV+JSON), finish (sums+zip+fsync) %.2fs", tw, Double(csvSize) / 1e6, Double(csvSize) / 1e6 / tw, Double(csvSize + jsonSize) / 1e6 / tw, tf))

// 2. Second release with fingerprints (changed data): write time.
let writer2 = try ReleaseWriter(definition: def, schema: schema, outputRoot: root, runTime: Date(timeIntervalSince1970: 1_763_900_100))
let tw2 = try time { for b in batches.dropLast() { try writer2.write(b) } }
let tf2 = try time { _ = try writer2.finish(reports: [], status: .released) }
print(String(format: "write with fingerprints: %.2fs (%.0f MB/s of CSV); finish with change log %.2fs", tw2, Double(csvSize) / 1e6 / tw2, tf2))

// 3. Zip alone on the CSV.
let zipOut = dir.appendingPathComponent("a.zip")
for threads in [1, 2] {
    let tz = try time { try ZipWriter(threads: threads).write(entries: [.init(name: "bench/data.csv", file: csvURL)], to: zipOut) }
    let zsize = (try FileManager.default.attributesOfItem(atPath: zipOut.path)[.size] as! NSNumber).intValue
    print(String(format: "ZipWriter threads=%d: %.2fs %.0f MB/s, %d bytes", threads, tz, Double(csvSize) / 1e6 / tz, zsize))
}
// zip -6 for comparison
let p = Process()
p.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
p.arguments = ["-6", "-q", "-j", dir.appendingPathComponent("ref.zip").path, csvURL.path]
var r0 = rusage(); getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &r0)
let tzip = try time { try p.run(); p.waitUntilExit() }
var r1 = rusage(); getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &r1)
print(String(format: "   zip -6 child cpu %.2fs", Double(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + Double(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6 + Double(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) + Double(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6))
let rsize = (try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("ref.zip").path)[.size] as! NSNumber).intValue
print(String(format: "zip -6: %.2fs %.0f MB/s, %d bytes", tzip, Double(csvSize) / 1e6 / tzip, rsize))
