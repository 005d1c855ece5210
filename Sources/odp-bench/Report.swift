import Foundation

/// Prints benchmark results as rows/s and MB/s next to the floor.
enum Report {
    static func print(_ r: BenchResult) {
        let rows = r.rows
        let input = Double(r.inputBytes)
        let seconds = r.seconds ?? 0
        let rss = Double(r.peakRSSBytes ?? 0) / 1_048_576
        func rate(_ s: Double) -> String { s > 0 ? String(format: "%9.0f rows/s  %7.1f MB/s", Double(rows) / s, input / 1_048_576 / s) : "" }
        let mode = r.mode
        let title = switch mode {
        case "extract": "extract only"
        case "rerun": "re-run of the complete release, one row changed: the change log compares every row with the previous version"
        case "stages": "check and desensitize alone, on batches already in memory (check on one core; desensitize scans the source on the second, as in a run)"
        case "reference": "reference job: CSV-only release of the real job (validate with a unique key, HMAC pseudonym, masks, k-anonymity k = 5, write CSV, SHA-256, zip)"
        case "light": "light job: the same CSV-only release without k-anonymity, pseudonym and unique key (the former reference)"
        default: "complete release (CSV, JSON, reports, datapackage.json, zip of everything)"
        }
        Swift.print(String(format: "%@ — %d rows, %.0f MB input", title, rows, input / 1_048_576))
        let target = mode == "light" ? "   (target ≤ 3.0 s)" : ""
        if mode != "stages" {
            Swift.print(String(format: "  %@ %8.2f s  %@  peak RSS %.0f MB%@", pad("total"), seconds, rate(seconds), rss, target))
        }
        if let cpu = r.cpuSeconds {
            // Wall time cannot go below CPU time / cores: this line says how close the run is to that.
            let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
            Swift.print(String(format: "  %@ %8.2f s  = %.2f cores busy on average; at best %.2f s on %.0f cores",
                               pad("CPU time (user + system)"), cpu, cpu / max(seconds, 1e-9), cpu / cores, cores))
        }
        if let alone = r.stageAlone {
            for (stage, goal) in [("check", "1.5M"), ("desensitize", "1M")] {
                guard let s = alone[stage] else { continue }
                Swift.print(String(format: "  %@ %8.2f s  %@   (target ≥ %@ rows/s)", pad("  " + stage + " alone"), s, rate(s), goal))
            }
        }
        if let stages = r.stages {
            // Reading, checking with desensitizing, and writing run on their own threads: each
            // stage's figure is its busy time, and `stream` the wall time of all of them together.
            for stage in ["extract", "check", "desensitize", "package", "spool", "finish", "upload"] {
                guard let s = stages[stage] else { continue }
                Swift.print(String(format: "  %@ %8.2f s  %@", pad("  " + stage + " (busy)"), s, rate(s)))
            }
            if let stream = stages["stream"] {
                let written = mode == "reference" || mode == "light" ? "CSV" : "CSV+JSON"
                let goal = mode == "light" ? "   (target ≥ 1.5M rows/s)" : ""
                Swift.print(String(format: "  %@ %8.2f s  %@%@", pad("read+validate+desens.+" + written), stream, rate(stream), goal))
            }
        }
        if let read = r.floorRead {
            Swift.print(String(format: "  %@ %8.2f s  %@   (ODP total = %.1f× floor)", pad("floor: read input"), read, rate(read), seconds / max(read, 1e-9)))
        }
        if let csvBytes = r.outputCSVBytes {
            let mb = Double(csvBytes) / 1_048_576
            for (name, timing) in [("sha256 of output", r.floorSHA256), ("zlib -6, 1 thread", r.floorZlib6), ("libdeflate -6, 1 thread", r.floorLibdeflate6)] {
                guard let s = timing?.seconds else { continue }
                let size = timing?.bytes.map { String(format: " → %.1f MB", Double($0) / 1_048_576) } ?? ""
                Swift.print(String(format: "  %@ %8.2f s  %7.1f MB/s%@", pad("floor: " + name), s, mb / s, size))
            }
            if let s = r.floorWrite?.seconds, let bytes = r.floorWrite?.bytes {
                Swift.print(String(format: "  %@ %8.2f s  %7.1f MB/s (as many bytes as the release wrote, %.0f MB)",
                                   pad("floor: write output"), s, Double(bytes) / 1_048_576 / s, Double(bytes) / 1_048_576))
            }
            if let s = r.zipCSV?.seconds, let bytes = r.zipCSV?.bytes {
                Swift.print(String(format: "  %@ %8.2f s  %7.1f MB/s → %.1f MB", pad("zip step: ODP, all cores"), s, mb / s, Double(bytes) / 1_048_576))
                if let i = r.infozip6?.seconds, let ib = r.infozip6?.bytes {
                    Swift.print(String(format: "  %@ %8.2f s  %7.1f MB/s → %.1f MB", pad("zip step: zip -6 (Info-ZIP)"), i, mb / i, Double(ib) / 1_048_576))
                    Swift.print(String(format: "  zip step: ODP vs zip -6: %.1f× the throughput, %.3f× the size", i / s, Double(bytes) / Double(ib)))
                }
            }
            if let zip = r.zipBytes {
                Swift.print(String(format: "  release zip (all files): %.1f MB", Double(zip) / 1_048_576))
            }
        }
        Swift.print("")
    }

    /// Left-aligned label column (`%-28@` does not pad on Linux).
    static func pad(_ label: String) -> String {
        label.count >= 30 ? label : label + String(repeating: " ", count: 30 - label.count)
    }

    /// The peers of the same run, each against ODP's CSV-only job and complete release of the
    /// same size: a ratio above 1 means ODP took less time. Never compared across runs.
    static func printPeers(_ peers: [BenchResult], odp: [BenchResult]) {
        guard let first = peers.first else { return }
        Swift.print(String(format: "peers, same run — %d rows: the real job (same checks and desensitization), CSV, sha256sum, zip -6", first.rows))
        for peer in peers {
            guard let s = peer.seconds else { continue }
            let rss = Double(peer.peakRSSBytes ?? 0) / 1_048_576
            Swift.print(String(format: "  %@ %8.2f s  %9.0f rows/s  peak RSS %.0f MB  output vs ODP's: %@", pad(String(peer.mode.dropFirst(5))), s,
                               Double(peer.rows) / s, rss, peer.peerAgreement ?? "not compared"))
            if let cpu = peer.cpuSeconds { Swift.print(String(format: "    %@ %.2f s", pad("CPU time (user + system)"), cpu)) }
            for (mode, label, target) in [("reference", "ODP CSV-only job", "target ≥ 2.5×"), ("light", "ODP light CSV-only job", ""),
                                          ("release", "ODP complete release", "target ≥ 1.5×")] {
                guard let o = odp.first(where: { $0.mode == mode }), let os = o.seconds else { continue }
                // On a shared machine the CPU-time ratio says more than the wall-time one.
                let cpuRatio = peer.cpuSeconds.flatMap { p in o.cpuSeconds.map { String(format: ", %.2f× its CPU time", p / $0) } } ?? ""
                Swift.print(String(format: "    %@ %.2f× its speed%@%@", pad(label + ":"), s / os, cpuRatio, target.isEmpty ? "" : "   (\(target))"))
            }
        }
        Swift.print("")
    }

    static func printScaling(_ results: [BenchResult]) {
        let releases = results.filter { $0.mode == "release" }
        guard releases.count >= 2, let a = releases.first, let b = releases.last,
              let ta = a.seconds, let tb = b.seconds else { return }
        let ra = a.rows, rb = b.rows
        Swift.print(String(format: "scaling: %d → %d rows: the complete release took %.2f× the time (linear would be %.1f×, target ≤ 10.5×)",
                           ra, rb, tb / ta, Double(rb) / Double(ra)))
        let references = results.filter { $0.mode == "reference" }
        if references.count >= 2, let x = references.first?.seconds, let y = references.last?.seconds {
            Swift.print(String(format: "scaling: the reference job took %.2f× the time", y / x))
        }
        if let wa = a.floorWrite?.seconds, let wb = b.floorWrite?.seconds, let ba = a.floorWrite?.bytes, let bb = b.floorWrite?.bytes {
            Swift.print(String(format: "scaling: writing the release's bytes alone took %.2f× the time for %.2f× the bytes", wb / wa, Double(bb) / Double(ba)))
        }
    }
}
