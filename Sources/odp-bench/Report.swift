import Foundation

/// Prints benchmark results as rows/s and MB/s next to the floor.
enum Report {
    static func print(_ r: [String: Any]) {
        let rows = r["rows"] as? Int ?? 0
        let input = Double(r["input_bytes"] as? Int ?? 0)
        let seconds = r["seconds"] as? Double ?? 0
        let rss = Double(r["peak_rss_bytes"] as? Int ?? 0) / 1_048_576
        func rate(_ s: Double) -> String { s > 0 ? String(format: "%9.0f rows/s  %7.1f MB/s", Double(rows) / s, input / 1_048_576 / s) : "" }
        let title = r["mode"] as? String == "extract" ? "extract only" : "full release"
        Swift.print(String(format: "%@ — %d rows, %.0f MB input", title, rows, input / 1_048_576))
        Swift.print(String(format: "  %-28@ %8.2f s  %@  peak RSS %.0f MB", "total" as NSString, seconds, rate(seconds), rss))
        if let stages = r["stages"] as? [String: Double] {
            for stage in ["extract", "check", "desensitize", "package", "spool", "finish", "upload"] {
                guard let s = stages[stage] else { continue }
                Swift.print(String(format: "  %-28@ %8.2f s  %@", stage as NSString, s, rate(s)))
            }
            let core = ["extract", "check", "desensitize", "package"].compactMap { stages[$0] }.reduce(0, +)
            Swift.print(String(format: "  %-28@ %8.2f s  %@", "validate+desensitize+write" as NSString, core, rate(core)))
        }
        if let read = r["floor_read_seconds"] as? Double {
            Swift.print(String(format: "  floor: read input            %8.2f s  %@   (ODP total = %.1f× floor)", read, rate(read), seconds / max(read, 1e-9)))
        }
        if let csvBytes = r["output_csv_bytes"] as? Int {
            let mb = Double(csvBytes) / 1_048_576
            for (name, key) in [("sha256 of output", "floor_sha256"), ("zlib -6, 1 thread", "floor_zlib6"), ("libdeflate -6, 1 thread", "floor_libdeflate6")] {
                guard let s = r["\(key)_seconds"] as? Double else { continue }
                let size = (r["\(key)_bytes"] as? Int).map { String(format: " → %.1f MB", Double($0) / 1_048_576) } ?? ""
                Swift.print(String(format: "  floor: %-22@ %8.2f s  %7.1f MB/s%@", name as NSString, s, mb / s, size))
            }
            if let zip = r["zip_bytes"] as? Int {
                Swift.print(String(format: "  release zip (all files): %.1f MB", Double(zip) / 1_048_576))
            }
        }
        Swift.print("")
    }

    static func printScaling(_ results: [[String: Any]]) {
        let releases = results.filter { $0["mode"] as? String == "release" }
        guard releases.count >= 2, let a = releases.first, let b = releases.last,
              let ta = a["seconds"] as? Double, let tb = b["seconds"] as? Double,
              let ra = a["rows"] as? Int, let rb = b["rows"] as? Int else { return }
        Swift.print(String(format: "scaling: %d → %d rows took %.2f× the time (linear would be %.1f×)", ra, rb, tb / ta, Double(rb) / Double(ra)))
    }
}
