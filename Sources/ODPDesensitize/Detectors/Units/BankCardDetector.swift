import ODPCore

enum BankCardDetector: DetectorUnit {
    static let kind = IdentifierKind.bankCard
    static let parameters: String? = "16–19 digits (or groups of four) passing Luhn and starting 62 (UnionPay), 4, 51–55 or 35; in a field labelled as a card, Luhn alone"
    static let summary = UnitSummary(chinese: "银行卡号", english: "bank card number, Luhn")
}

extension RunScanner {
    func cardValid(_ digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Checksums.luhn(digits) else { return false }
        if cardLabelled { return true }
        let a = Int(digits[0]) - 0x30, b = Int(digits[1]) - 0x30
        return (a == 6 && b == 2) || a == 4 || (a == 5 && (1...5).contains(b)) || (a == 3 && b == 5)
    }
}
