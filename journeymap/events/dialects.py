"""The dialect-specific parts of the pipeline's statements: sqlglot, and two templates.

The statements (``journeymap.events.sql``) are DuckDB SQL with two placeholders,
``JM_LOCAL_TO_UTC(x)`` and ``JM_LOWER_MEDIAN(x)``, that no common spelling covers.
"""

from __future__ import annotations

import re

from journeymap.events.sqlwords import lit

_LOCAL_TO_UTC = {
    "duckdb": "epoch_us(timezone({tz}, make_timestamp(X)))",
    "spark": "unix_micros(to_utc_timestamp(timestamp_micros(X), {tz}))",
    "bigquery": "UNIX_MICROS(TIMESTAMP(DATETIME(TIMESTAMP_MICROS(X)), {tz}))",
    "snowflake": "DATE_PART(epoch_microsecond, CONVERT_TIMEZONE({tz}, 'UTC', TO_TIMESTAMP_NTZ(X, 6)))",
    "postgres": "CAST(EXTRACT(epoch FROM (TO_TIMESTAMP(X / 1000000.0) AT TIME ZONE 'UTC') AT TIME ZONE {tz}) * 1000000 AS BIGINT)",
}


_LOWER_MEDIAN = {
    "duckdb": "QUANTILE_DISC(X, 0.5)",
    "spark": "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY X)",
    "bigquery": "ARRAY_AGG(X ORDER BY X)[OFFSET(DIV(COUNT(X) - 1, 2))]",
    "snowflake": "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY X)",
    "postgres": "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY X)",
}


def transpile(sql: str, dialect: str, timezone: str) -> str:
    """One statement in ``dialect``; ``JM_LOCAL_TO_UTC(x)`` becomes the dialect's time-zone conversion."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    template = None
    if timezone != "UTC":
        template = sqlglot.parse_one(_LOCAL_TO_UTC[dialect].format(tz=lit(timezone)), read=dialect)

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.name).upper() == "JM_LOCAL_TO_UTC":
            arg: exp.Expression = node.expressions[0]
            if template is None:
                return arg
            swapped: exp.Expression = template.copy().transform(
                lambda n: arg.copy() if isinstance(n, exp.Column) and n.name.upper() == "X" else n
            )
            return swapped
        return node

    tree = tree.transform(swap)
    text = tree.sql(dialect=dialect, pretty=True)
    # the exact lower median has no common spelling (sqlglot turns some into approximations)
    return re.sub(
        r"JM_LOWER_MEDIAN\((\w+)\)", lambda m: _LOWER_MEDIAN[dialect].replace("X", m.group(1)), text
    )
