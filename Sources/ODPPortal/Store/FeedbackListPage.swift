import ODPCore

/// One page of a public 纠错与意见 list (`/feedback`, `GET /api/datasets/{id}/feedback`):
/// `size` items, newest first.
///
/// # Order
/// By received time (newest first), then dataset, then the number's sequence (newest first),
/// so items received in the same second keep one order on every request and a page never
/// repeats or skips one (`x-F10` comes before `x-F9`, not after it as text would sort).
struct FeedbackListPage {
    static let size = 500

    /// This page's items.
    let items: [FeedbackItem]
    /// Items in the whole list.
    let count: Int
    let page: Int
    /// At least 1, an empty list being one empty page.
    let pages: Int

    /// Nil when `page` is after the last page.
    init?(_ all: [FeedbackItem], page: Int) {
        let pages = max(1, (all.count + Self.size - 1) / Self.size)
        guard page <= pages else { return nil }
        let start = (page - 1) * Self.size
        items = Array(all.sorted(by: Self.newerFirst)[start..<min(all.count, start + Self.size)])
        count = all.count
        self.page = page
        self.pages = pages
    }

    /// The `page` query parameter (1 when absent), or nil when it is not a page number.
    static func number(_ query: String?) -> Int? {
        guard let value = CatalogQuery.parameters(query)["page"], !value.isEmpty else { return 1 }
        return CatalogQuery.pageNumber(value)
    }

    /// What a page parameter that is not a number says (HTML and JSON).
    static let badPage = "页码（page）须为从 1 开始的整数。"

    static func newerFirst(_ a: FeedbackItem, _ b: FeedbackItem) -> Bool {
        if a.received != b.received { return a.received > b.received }
        if a.dataset != b.dataset { return a.dataset < b.dataset }
        return sequence(a.number) > sequence(b.number)
    }

    /// n of `<dataset>-F<n>`.
    static func sequence(_ number: String) -> Int {
        number.range(of: "-F", options: .backwards).flatMap { Int(number[$0.upperBound...]) } ?? 0
    }
}
