"""The benchmark's real job in DuckDB SQL (every column read as text as ODP reads it; the
pseudonym is a vectorized Python function, as DuckDB has no HMAC): the checks, the
desensitization and k-anonymity of ODP's definition, then the CSV, `sha256sum` and `zip -6`.
Rows failing a check are left out, as ODP rejects them."""
import duckdb
import pyarrow as pa

import common as c


def checksum(col, chars, weights):
    """The weighted sum of the first 17 characters (NULL when one is not in `chars`)."""
    terms = " + ".join(f"(nullif(instr('{chars}', substr({col}, {i + 1}, 1)), 0) - 1) * {w}" for i, w in enumerate(weights))
    return f"({terms})"


def main():
    a = c.arguments()
    con = duckdb.connect()
    pseudonym = c.pseudonymizer(a.key, a.key_id)
    con.create_function("pseudonym", lambda values: pa.array([pseudonym(v) for v in values.to_pylist()], pa.string()),
                        ["VARCHAR"], "VARCHAR", type="arrow")
    con.execute("CREATE TABLE codes(code VARCHAR)")
    con.executemany("INSERT INTO codes VALUES (?)", [[code] for code in a.region_codes])
    uscc_sum = checksum("uscc", c.USCC_CHARS, c.USCC_WEIGHTS)
    id_sum = checksum("id_number", "0123456789", c.ID_WEIGHTS)
    table = a.table.replace("'", "''")
    # COPY answers with the number of rows it wrote.
    rows = con.execute(f"""
    COPY (
      WITH source AS (
        SELECT *, row_number() OVER () AS line, count(*) OVER (PARTITION BY uscc) AS uscc_count FROM read_csv('{table}', all_varchar = true, header = true)
      ), checked AS (
        SELECT * FROM source
        WHERE uscc IS NOT NULL AND length(uscc) = 18
          AND substr('{c.USCC_CHARS}', (31 - {uscc_sum} % 31) % 31 + 1, 1) = substr(uscc, 18, 1)
          AND uscc_count = 1
          AND shop_name IS NOT NULL AND operator_name IS NOT NULL
          AND (id_number IS NULL OR (length(id_number) = 18
               AND coalesce(substr('{c.ID_CHECK}', {id_sum} % 11 + 1, 1) = substr(id_number, 18, 1), false)))
          AND (mobile IS NULL OR regexp_full_match(mobile, '{c.MOBILE[1:-1]}'))
          AND (region_code IS NULL OR region_code IN (SELECT code FROM codes))
          AND (reg_date IS NULL OR (try_strptime(reg_date, '%Y-%m-%d') IS NOT NULL AND reg_date <= '{a.today}'))
          AND (capital IS NULL OR try_cast(capital AS DOUBLE) >= 0)
          AND (employees IS NULL OR try_cast(employees AS BIGINT) IS NOT NULL)
      ), desensitized AS (
        SELECT line, uscc, shop_name,
          substr(operator_name, 1, 1) || repeat('*', length(operator_name) - 1) AS operator_name,
          pseudonym(id_number) AS id_number,
          substr(mobile, 1, 3) || '****' || substr(mobile, 8, 4) AS mobile,
          nullif(regexp_extract(address, '{c.DISTRICT}', 1), '') AS address,
          region_code, industry, substr(reg_date, 1, 7) AS reg_date, capital, employees,
          regexp_replace(scope, '{c.REDACT}', '{c.MARKER}', 'g') AS scope,
          status, reg_authority, updated_at
        FROM checked
      )
      SELECT * EXCLUDE (line) FROM desensitized
      QUALIFY count(*) OVER (PARTITION BY address, reg_date, industry) >= {c.K}
      ORDER BY line
    ) TO '{a.csv.replace("'", "''")}' (HEADER, DELIMITER ',')
    """).fetchone()[0]
    c.package_and_report(a, rows)


if __name__ == "__main__":
    main()
