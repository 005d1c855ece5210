/// The rule vocabulary of ODPCheck, as written in `pipelines/<dataset>.yml`.
///
/// Every rule accepts `severity: reject | hold | warn`, `dimension:` (a GB/T 36344 name in
/// Chinese or English) and `message:` (the Chinese text shown in reports). Failing values
/// appear in reports only for fields of privacy class `public`; otherwise only source row
/// numbers. The department feedback list (`StageReport.problems`) carries the values and
/// goes to `output/state/`, never into a release.
///
/// ## Rules
/// Field rules (`fields[].rules`, default severity `reject`), row rules and table rules
/// (`rules:`, default `reject` and `hold`) are the types listed in `RuleRegistry.all`, one
/// file each under `Rules/Field`, `Rules/Row` and `Rules/Table`, with their parameters,
/// default dimension and the report lines they emit. README's table of them is checked
/// against the registry by a test. Besides them, every field gets the implicit `type` check:
/// the field's `type`/`format`/`scale`, for `code` its `code_table:` (current codes; a
/// `code_table` rule on the field checks instead), 规范性; list it only to change `severity`.
/// `primary_key` adds two lines: presence (完整性) and uniqueness (准确性), both `reject`.
/// Table rules judged on the whole table (`row_count`, `completeness`, `sum_equals`) cannot
/// `reject`. Duplicate rules use 64-bit fingerprints and count later occurrences; a
/// `reference` rule's keys come from `Checker.provideReference` (in `odp run` the other
/// dataset's latest released CSV; without them the line says 未检查 and, unless the rule is a
/// warning, the release is held).
///
/// ## Screens (`screens:`) — default severity `warn`, dimension 准确性
/// `benford`, `heaping`, `outliers` (`method: auto | iqr | sigma | log`, `k` default 3, `max_share`
/// default 0.01; quartiles from a fixed 8,192-value reservoir), `constant`, `sequential`;
/// each with `fields: [...]`. A screen that does not apply (Benford with n < 500 or a span
/// under two orders of magnitude) is reported with its reason and is not a check.
///
/// ## compare: and gate:
/// `compare: {row_count_change, null_rate_change (absolute), mean_change, sum_change
/// (relative), severity (default hold), explain, timeliness}`. Without a `compare:`
/// section the previous release is still compared with thresholds 0.5/0.2/0.5 and
/// findings are warnings. Category changes are listed, not judged. `explain` is a list of
/// `{version, text}` or `{metric, until, text}` entries (see `CompareExplanation`); a stale
/// one is reported and not applied.
/// `gate: {max_reject_share (default 0.05), min_scores: {维度: x}, min_overall, timeliness:
/// {field, max_age_days}}`.
///
/// ## Scores
/// Per dimension: the share of rows passing every row-level rule of the dimension, times
/// the share of its table-level checks (table rules, screens, comparisons) that pass. The
/// overall score is the mean of the evaluated dimensions, so millions of rows in one
/// dimension cannot hide a failed table rule in another. 时效性 is evaluated only with
/// `timeliness:` (1 when the newest date is at most `max_age_days` old, else 0); otherwise
/// 未评估. 可访问性 is 未评估: the check stage measures nothing about access. Scores print
/// as percentages with two decimals, rounded down, so a score below 1 never reads 100%.
enum RuleVocabulary {}
