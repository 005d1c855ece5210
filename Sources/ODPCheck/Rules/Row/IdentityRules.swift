import Foundation
import ODPCore

/// Built-in row rules that read inside identifiers (GB 11643) and region codes (GB/T 2260).
enum IdentityRules {
    /// Digits 7–14 of an 18-digit ID are the birth date (YYYYMMDD). nil when either side is
    /// missing or unreadable (the field rules report those).
    static func birthMatches(_ id: UnsafeBufferPointer<UInt8>?, _ birth: UnsafeBufferPointer<UInt8>?, _ formats: [DateFormat]) -> Bool? {
        guard let id, id.count == 18, let birth, birth.count > 0 else { return nil }
        guard let date = formats.parse(birth) else { return nil }
        guard let b = CitizenID.birth(id) else { return false }
        return b.year == date.year && b.month == date.month && b.day == date.day
    }

    /// The 17th digit is odd for men, even for women (GB 11643-1999 §4.4).
    /// Sex codes: 1/2 (GB/T 2261.1), 男/女.
    static func sexMatches(_ id: UnsafeBufferPointer<UInt8>?, _ sex: UnsafeBufferPointer<UInt8>?) -> Bool? {
        guard let id, id.count == 18, let sex, sex.count > 0 else { return nil }
        guard let fromID = CitizenID.sexCode(id) else { return false }
        let male: Bool
        if sex.count == 1, sex[0] == UInt8(ascii: "1") { male = true }
        else if sex.count == 1, sex[0] == UInt8(ascii: "2") { male = false }
        else if sex.count == 3, sex[0] == 0xE7, sex[1] == 0x94, sex[2] == 0xB7 { male = true }   // 男
        else if sex.count == 3, sex[0] == 0xE5, sex[1] == 0xA5, sex[2] == 0xB3 { male = false }  // 女
        else { return nil }  // 0 未知 / 9 未说明: nothing to compare
        return (fromID == 1) == male
    }

    /// The region's name (朝阳区) appears in the address text.
    static func regionInAddress(_ region: UnsafeBufferPointer<UInt8>?, _ address: UnsafeBufferPointer<UInt8>?, _ table: ByteCodeTable) -> Bool? {
        guard let region, region.count > 0, let address, address.count > 0 else { return nil }
        guard let entry = table.index(region) else { return nil }  // unknown codes: the code_table rule
        let name = table.name(entry)
        return name.isEmpty ? nil : contains(address, name)
    }

    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        needle.withUnsafeBufferPointer { CompiledExpression.find($0, in: haystack) }
    }
}
