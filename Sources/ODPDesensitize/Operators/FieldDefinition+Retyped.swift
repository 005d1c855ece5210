import ODPCore

extension FieldDefinition {
    /// The field holding `type` after an operator. Scale, format and code table describe
    /// the source values, so they go when the type changes; a year-month or year gets its
    /// fixed layout.
    func retyped(_ type: FieldType) -> FieldDefinition {
        var out = self
        guard type != self.type else { return out }
        out.type = type
        out.scale = nil
        out.codeTable = nil
        out.format = type == .yearmonth ? "YYYY-MM" : type == .year ? "YYYY" : nil
        return out
    }
}
