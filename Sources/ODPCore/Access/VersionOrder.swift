/// The order of release versions (`2026.11.23.1` before `2026.11.23.10`): numerically, part by part.
public enum VersionOrder {
    public static func precedes(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        return x.lexicographicallyPrecedes(y)
    }
}
