"""``experiment --events`` keeps of the parsed rows only the columns its statements read
(``experiment_arms._Assignment._constant``): with a session column, with native (Parquet) or
text (CSV) timestamps, a clean assignment (one variant per customer, exposure at the first
event) gives exactly the overlays of ``ingest --segment-by`` of the variant (the docs' promise,
docs/architecture.md "Experiments, second slice")."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from journeymap.events import IngestOptions, ingest
from journeymap.events.experiment_arms import ingest_arms
from journeymap.events.settings import Columns
from tests.events.support import make_map, written


def _log(folder: Path, kind: str) -> str:
    rng = random.Random(5)
    rows = []
    for u in range(80):
        variant = "control" if u % 2 else "treatment"
        t = rng.randrange(0, 3 * 86400)
        for n, step in enumerate(["home", "product", "cart", "paid"][: rng.randrange(1, 5)]):
            t += rng.choice([0, 60, 3 * 3600])
            rows.append((f"u{u}", t, step, variant, f"s{u}-{n // 2}"))
    csv = folder / "log.csv"
    csv.write_text(
        "user_id,timestamp,event,variant,session\n"
        + "".join(f"{u},{1767225600 + t},{e},{v},{s}\n" for u, t, e, v, s in rows),
        encoding="utf-8",
    )
    if kind == "csv":
        return str(csv)
    out = folder / "log.parquet"
    duckdb.sql(
        f"COPY (SELECT user_id, to_timestamp(CAST(timestamp AS BIGINT))::TIMESTAMP AS timestamp, "
        f"event, variant, session FROM read_csv('{csv}', all_varchar = true)) TO '{out}'"
    )
    return str(out)


@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize("session", [None, "session"])
def test_clean_arms_are_the_segmented_ingest(
    tmp_path: Path, kind: str, session: str | None
) -> None:
    jm = make_map()
    path = _log(tmp_path, kind)
    opts = IngestOptions(columns=Columns(session=session), lost_after=3600)
    log = ingest_arms(jm, [path], opts, "variant")
    segmented = ingest(jm, [path], replace(opts, segment_by="variant", journey="customer"))
    # ingest's business figures (orders, repeat customers) are statements experiment does not run
    by_key = {r.segment_key: written(r.overlay) | {"business": None} for r in segmented}
    assert set(by_key) == {"control", "treatment"}
    assert {a.name: written(a.overlay) | {"business": None} for a in log.arms} == by_key
    assert log.excluded == log.rows_before_exposure == log.rows_without_variant == 0
    visits = sum(t["visits"] for t in by_key["control"]["touchpoints"].values())
    assert visits > 40  # sessions change the visits: the column was read
