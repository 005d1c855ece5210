import ODPCore
import Testing
@testable import ODPDesensitize

@Suite("IdentifierScanner finds Chinese identifiers and rejects near misses")
struct IdentifierScannerTests {
    let scanner = IdentifierScanner(today: Fixture.runDate)

    func kinds(_ text: String, nameLike: Bool = false, cardLabelled: Bool = false) -> [IdentifierKind] {
        scanner.scan(text, nameLike: nameLike, cardLabelled: cardLabelled).map(\.0)
    }

    func matched(_ text: String) -> [String] { scanner.scan(text).map(\.1) }

    @Test("an 18-character ID number with a valid check character, birth date and province is found")
    func idCard() {
        let id = Fixture.id("37092119900101006")
        #expect(matched("身份证号\(id)，") == [id])
        let x = Fixture.id("11010519491231002")
        #expect(kinds(x) == [.idCard])
        #expect(kinds("370921900101006") == [.idCard], "15-digit legacy form")
    }

    @Test("ID near misses: 17 digits, wrong check digit, future birth, unknown province, bad legacy date")
    func idCardNearMisses() {
        let id = Fixture.id("37092119900101006")
        #expect(kinds(String(id.dropLast())).isEmpty)
        let wrong = String(id.dropLast()) + (id.last == "1" ? "2" : "1")
        #expect(kinds(wrong).isEmpty)
        #expect(kinds(Fixture.id("37092120300101006")).isEmpty, "born in 2030")
        #expect(kinds(Fixture.id("37092118890101006")).isEmpty, "born before 1900")
        #expect(kinds(Fixture.id("99092119900101006")).isEmpty, "province 99")
        #expect(kinds("370921901301006").isEmpty, "month 13 in the legacy form")
        #expect(kinds("订单\(id)8").isEmpty, "inside a longer digit run")
    }

    @Test("mobile numbers with country codes and 3-4-4 grouping are found")
    func mobile() {
        #expect(matched("电话13812345678") == ["13812345678"])
        #expect(matched("+86 138 1234 5678") == ["+86 138 1234 5678"])
        #expect(kinds("0086-13812345678") == [.mobile])
        #expect(kinds("138-1234-5678") == [.mobile])
        #expect(kinds("+8619912345678") == [.mobile])
        #expect(kinds("tel:17012345678") == [.mobile])
        #expect(kinds("13812345678 13912345678") == [.mobile, .mobile], "two numbers separated by a space")
    }

    @Test("mobile near misses: bad prefix, inside a 20-digit order number, after an order prefix, a decimal")
    func mobileNearMisses() {
        #expect(kinds("12812345678").isEmpty)
        #expect(kinds("14412345678").isEmpty)
        #expect(kinds("1381234567").isEmpty, "10 digits")
        #expect(kinds("订单号20231105138123456789").isEmpty)
        #expect(kinds("ORD-13812345678").isEmpty)
        #expect(kinds("order_13812345678").isEmpty)
        #expect(kinds("3.13812345678").isEmpty)
    }

    @Test("landlines need an area code with a hyphen or parentheses")
    func landline() {
        #expect(matched("电话：0531-86123456") == ["0531-86123456"])
        #expect(matched("(010)62345678") == ["(010)62345678"])
        #expect(kinds("（0531）86123456") == [.landline])
        #expect(kinds("010-62345678-123") == [.landline])
        #expect(kinds("2023-11-05").isEmpty)
        #expect(kinds("400-123-4567").isEmpty)
        #expect(kinds("531-86123456").isEmpty, "area code without the leading 0")
        #expect(kinds("86123456").isEmpty, "no area code")
    }

    @Test("bank cards pass Luhn and a known IIN; an order number that looks like a card does not")
    func bankCard() {
        let card = Fixture.luhn("622202123456789012")
        #expect(kinds(card) == [.bankCard])
        let grouped = stride(from: 0, to: card.count, by: 4).map { i -> String in
            let s = card.index(card.startIndex, offsetBy: i)
            return String(card[s..<card.index(s, offsetBy: min(4, card.count - i))])
        }.joined(separator: " ")
        #expect(kinds(grouped) == [.bankCard])
        let bad = String(card.dropLast()) + (card.last == "1" ? "2" : "1")
        #expect(kinds(bad).isEmpty, "wrong Luhn digit")
        let order = Fixture.luhn("202311051234567")
        #expect(kinds("订单号\(order)").isEmpty, "Luhn-valid but no card prefix")
        #expect(kinds(order, cardLabelled: true) == [.bankCard], "a field labelled as a card needs Luhn only")
    }

    @Test("e-mail addresses need a dotted domain with a letter TLD")
    func email() {
        #expect(matched("邮箱：zhang.san@example.com.cn。") == ["zhang.san@example.com.cn"])
        #expect(matched("mailto:li_si+1@mail.gov.cn") == ["li_si+1@mail.gov.cn"])
        #expect(kinds("zhang@localhost").isEmpty)
        #expect(kinds("a@b.c").isEmpty)
        #expect(kinds("@example.com").isEmpty)
    }

    @Test("passports and permits have their letter prefixes; Taiwan permits need context")
    func documents() {
        #expect(kinds("护照E12345678") == [.passport])
        #expect(kinds("EA1234567") == [.passport])
        #expect(kinds("G12345678") == [.passport])
        #expect(kinds("C12345678") == [.hkMacauPermit])
        #expect(kinds("H1234567890") == [.hkMacauPermit])
        #expect(kinds("台胞证号：12345678") == [.taiwanPermit])
        #expect(kinds("E1234567").isEmpty)
        #expect(kinds("X12345678").isEmpty)
        #expect(kinds("C1234567").isEmpty)
        #expect(kinds("编号12345678").isEmpty)
    }

    @Test("vehicle plates need a province abbreviation, a letter and five characters (six with D/F)")
    func plate() {
        #expect(matched("车牌鲁A12345") == ["鲁A12345"])
        #expect(kinds("京AD12345") == [.plate])
        #expect(kinds("粤B12345F") == [.plate])
        #expect(kinds("鲁A1234").isEmpty)
        #expect(kinds("A12345").isEmpty)
        #expect(kinds("鲁ABCDE").isEmpty)
        #expect(kinds("京A123456").isEmpty, "six characters without D/F")
    }

    @Test("IPv4 needs exactly four octets of at most 255; IPv6 full and compressed forms")
    func ip() {
        #expect(matched("来源IP 192.168.1.10。") == ["192.168.1.10"])
        // After a phone number and a space, the address is not read as its next digit group.
        #expect(matched("0591-83330000 192.168.10.20") == ["0591-83330000", "192.168.10.20"])
        #expect(matched("13912345678 202.101.98.55") == ["13912345678", "202.101.98.55"])
        #expect(kinds("1.2.3.4.5").isEmpty)
        #expect(kinds("256.1.1.1").isEmpty)
        #expect(kinds("版本v1.2.3.4").isEmpty)
        #expect(kinds("3.14").isEmpty)
        #expect(kinds("2001:db8::8a2e:370:7334") == [.ipv6])
        #expect(kinds("fe80:0:0:0:202:b3ff:fe1e:8329") == [.ipv6])
        #expect(kinds("12:30:45").isEmpty)
        #expect(kinds("00:1A:2B:3C:4D:5E").isEmpty, "a MAC address")
    }

    @Test("person names are found only in name-like fields and only after a common surname")
    func names() {
        #expect(kinds("张三", nameLike: true) == [.personName])
        #expect(kinds("欧阳娜娜", nameLike: true) == [.personName])
        #expect(kinds("诸葛亮、王小明", nameLike: true) == [.personName, .personName])
        #expect(kinds("张三", nameLike: false).isEmpty)
        #expect(kinds("个体工商户", nameLike: true).isEmpty)
        #expect(kinds("张", nameLike: true).isEmpty)
        #expect(ChineseNames.isNameLike(name: "fddbr", title: "法定代表人"))
        #expect(ChineseNames.isNameLike(name: "contact_name", title: "联系人"))
        #expect(!ChineseNames.isNameLike(name: "company_name", title: "企业名称"))
    }

    @Test("a unified social credit code (an organisation) is not flagged")
    func uscc() {
        let body = "91370100MA3C5T7X1"
        let valid = body + String(Checksums.gb32100CheckCharacter(body)!)
        #expect(Checksums.check(valid, Checksums.gb32100))
        #expect(kinds("统一社会信用代码：\(valid)").isEmpty)
    }
}

@Suite("The byte prefilter never skips a cell that may hold an identifier")
struct PrefilterTests {
    @Test("every byte value at every offset of a 20-byte cell is classified like the plain rule")
    func exhaustive() {
        for filler: UInt8 in [0xE4, 0x41, 0x2F, 0x3B, 0x3F, 0x41, 0x00, 0xFF] {
        for value in 0...255 {
            for offset in 0..<20 {
                var bytes = [UInt8](repeating: filler, count: 20)
                bytes[offset] = UInt8(value)
                let expected = (0x30...0x3A).contains(value) || value == 0x40
                let got = bytes.withUnsafeBufferPointer { IdentifierScanner.mayHoldIdentifier($0) }
                if got != expected { Issue.record("byte \(value) at \(offset) among \(filler)") }
            }
        }
        }
        #expect(!"餐饮服务；食品销售".utf8.withContiguousStorageIfAvailable { IdentifierScanner.mayHoldIdentifier($0) }!)
    }
}
