/// The rule vocabulary of ODPCheck, as written in `pipelines/<dataset>.yml`.
///
/// Every rule accepts `severity: reject | hold | warn`, `dimension:` (a GB/T 36344 name in
/// Chinese or English) and `message:` (the Chinese text shown in reports). Failing values
/// appear in reports only for fields of privacy class `public`; otherwise only source row
/// numbers. The department feedback list (`StageReport.problems`) carries the values and
/// goes to `output/state/`, never into a release.
///
/// ## Field rules (`fields[].rules`) — default severity `reject`
/// | type | parameters | dimension |
/// | --- | --- | --- |
/// | `type` (implicit) | the field's `type`/`format`/`scale`, for `code` its `code_table:` (current codes; a `code_table` rule on the field checks instead); list it only to change `severity` | 规范性 |
/// | `required` | – | 完整性 |
/// | `unique` | – (second and later occurrences fail) | 准确性 |
/// | `min`, `max` | `value` (number, or a date for date fields) | 准确性 |
/// | `length` | `min`, `max` in characters | 规范性 |
/// | `pattern` | `pattern` (see `BytePattern`; whole-cell match) | 规范性 |
/// | `enum` | `values: [...]` | 规范性 |
/// | `code_table` | `table`, optional `as_of_field` (date field: list in force that year), `level` (`section`…`class` or 1–4 of a table with a `level` column) | 规范性 |
/// | `gb11643` | `check_birth` (`min_age`, `max_age`), `check_region` (`table`), `allow_15_digit` | 准确性 |
/// | `gb32100` | `check_authority`, `check_region` (`table`), `region_field` | 准确性 |
/// | `gb11714`, `luhn` | – | 准确性 |
/// | `date_range` | `not_future`, `not_before`, `not_after` (also fails non-dates) | 准确性 |
/// | `reference` | `dataset`, `field` (default severity `hold`) | 一致性 |
///
/// `primary_key` adds two lines: presence (完整性) and uniqueness (准确性), both `reject`.
///
/// ## Row rules (`rules:`) — default severity `reject`, dimension 一致性
/// `expression` (`expression`, `required`), `id_birth_matches` (`id`, `birth_date`, or
/// `fields: [id, birth]`), `id_sex_matches` (`id`, `sex`, or `fields`),
/// `region_matches_address` (`region`, `address`, `table` default `gb2260`).
///
/// ## Table rules (`rules:`) — default severity `hold`
/// `row_count` (`min`, `max`), `duplicate_rows`, `duplicate_keys` (`fields`) — 64-bit
/// fingerprints, later occurrences counted —, `completeness` (`fields` default all, `min`
/// share), `sum_equals` (`field` and `total` or `equals_sum_of`, `tolerance` default
/// 0.005), `reference` (`local_field`, `dataset`, `field`; keys come from
/// `Checker.provideReference`: in `odp run` the other dataset's latest released CSV; without
/// them the line says 未检查 and, unless the rule is a warning, the release is held).
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
