"""Dotted names reach inside nested fields (issue 13): JSON lines objects, Parquet structs, JSON text in CSV."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events.settings import Columns, SettingError
from tests.events.reference import reference_ingest
from tests.events.support import EVENTS, MIXPANEL, by_id, mixpanel, mixpanel_map, written

T0 = 1767261600  # 2026-01-01T10:00:00Z


def test_dotted_names_in_json_lines_match_pandas(tmp_path: Path) -> None:
    f = mixpanel(tmp_path)
    [r] = ingest(mixpanel_map(), [str(f)], IngestOptions(columns=MIXPANEL, lost_after=0))
    o = written(r.overlay)
    tp = by_id(o)
    assert (r.totals.customers, o["bad_rows"]) == (2, 0)
    assert tp["home"]["next"] == {"product": 1} and tp["product"]["next"] == {"cart": 1}
    assert o["unmapped"] == {"view": 1}  # u2's view is on plan free
    assert tp["cart"]["conversions"] == 1
    ref = reference_ingest(
        mixpanel_map(),
        [str(f)],
        lost_after=0,
        where_cols=("properties.plan",),
        columns=("properties.distinct_id", "properties.time", "event"),
    )
    assert ref["left_out"] == o["left_out"]
    for tid, exp in ref["touchpoints"].items():
        exp.pop("late_conversions")
        assert {k: tp[tid][k] for k in exp} == exp


def test_parquet_structs_and_json_text_in_csv_give_the_same_overlay(tmp_path: Path) -> None:
    f = mixpanel(tmp_path)
    [base] = ingest(mixpanel_map(), [str(f)], IngestOptions(columns=MIXPANEL, lost_after=0))
    pq = tmp_path / "m.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_json('{f}')) TO '{pq}' (FORMAT parquet)")
    assert "STRUCT" in str(duckdb.execute(f"DESCRIBE SELECT * FROM '{pq}'").fetchall())
    [p] = ingest(mixpanel_map(), [str(pq)], IngestOptions(columns=MIXPANEL, lost_after=0))
    csv = tmp_path / "posthog.csv"  # PostHog's CSV: properties as JSON text
    lines = ["event,properties"] + [
        f'{ev},"{json.dumps({"time": T0 + dt, "distinct_id": u, "plan": plan}).replace(chr(34), 2 * chr(34))}"'
        for u, dt, ev, plan in EVENTS
    ]
    csv.write_text("\n".join(lines) + "\n")
    [c] = ingest(mixpanel_map(), [str(csv)], IngestOptions(columns=MIXPANEL, lost_after=0))
    assert (
        written(p.overlay)["touchpoints"]
        == written(c.overlay)["touchpoints"]
        == written(base.overlay)["touchpoints"]
    )
    ref = reference_ingest(
        mixpanel_map(),
        [str(csv)],
        lost_after=0,
        where_cols=("properties.plan",),
        columns=("properties.distinct_id", "properties.time", "event"),
    )
    assert ref["touchpoints"]["home"]["next"] == by_id(c.overlay)["home"]["next"]


def test_a_dotted_name_needs_its_column(tmp_path: Path) -> None:
    with pytest.raises(
        SettingError, match=r"no column 'props\.distinct_id' \(named by columns\.customer\)"
    ):
        ingest(
            mixpanel_map(),
            [str(mixpanel(tmp_path))],
            IngestOptions(
                columns=Columns(customer="props.distinct_id", timestamp="properties.time")
            ),
        )
