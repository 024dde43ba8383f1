"""``experiment --events --engine spark``: the arms, the rows left out and the readout are the
same bytes on DuckDB and Spark (local mode, one shared session with code generation off).

The log mixes a CSV and a JSON-lines file with what the assignment has to get right: a first
variant decided by file order at a tie, customers in two arms, variants that are empty or only
spaces, rows before exposure, a row without a customer.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from journeymap.analysis.experiment import ArmInput, read_out
from journeymap.analysis.experiment_plan import Design
from journeymap.cli.experiment_arms import left_out_note
from journeymap.events import IngestOptions, ingest
from journeymap.events.experiment_arms import ExperimentLog, ingest_arms
from journeymap.events.settings import BadRowLimit
from journeymap.graph import build_graph
from journeymap.io import OverlayFormat, dump_overlay
from journeymap.model import JourneyMap
from tests.events.support import make_map


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from journeymap.events.spark import local_session

    session = local_session(codegen=False)
    yield session
    session.stop()


def two_files(folder: Path) -> list[str]:
    rng = random.Random(11)
    csv = ["user_id,timestamp,event,variant"]
    lines: list[str] = []
    for u in range(60):
        t = 10 * 3600 + rng.randrange(0, 5 * 86400)
        arm = rng.choice(["control", "treatment", "", "  ", None])
        for step in ["home", "cart", "paid"][: rng.randrange(1, 4)]:
            t += rng.choice([0, 30, 600])
            stamp = f"2026-01-{1 + t // 86400:02d}T{t % 86400 // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}Z"
            variant = arm if rng.random() < 0.8 else rng.choice(["control", "", None])
            if rng.random() < 0.5:
                csv.append(f"u{u},{stamp},{step},{'' if variant is None else json.dumps(variant)}")
            else:
                row = {"user_id": f"u{u}", "timestamp": stamp, "event": step}
                if variant is not None:
                    row["variant"] = variant
                lines.append(json.dumps(row))
    # a tie across the files: the CSV (rank 0) comes first, so treatment is the first arm
    csv.append("tie,2026-01-02T10:00:00Z,home,treatment")
    lines.append(json.dumps({"user_id": "tie", "timestamp": "2026-01-02T10:00:00Z",
                             "event": "cart", "variant": "control"}))  # fmt: skip
    csv.append(",2026-01-02T10:00:00Z,home,control")  # no customer
    (folder / "a.csv").write_text("\n".join(csv) + "\n", encoding="utf-8")
    (folder / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(folder / "a.csv"), str(folder / "b.jsonl")]


def shown(jm: JourneyMap, log: ExperimentLog) -> tuple[list[str], str, str]:
    """The arms' overlays as written, the note on the rows left out and the readout's JSON."""
    arms = [ArmInput(a.name, build_graph(jm, a.overlay), a.excluded) for a in log.arms]
    readout = read_out(arms, "control", Design(), left_out=[left_out_note(log)])
    overlays = [dump_overlay(a.overlay, OverlayFormat.JSON) for a in log.arms]
    return overlays, left_out_note(log), json.dumps(readout.to_dict(), sort_keys=True)


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("exposure", [None, "cart"])
def test_duckdb_and_spark_read_the_same_arms(
    tmp_path: Path, spark: Any, exposure: str | None
) -> None:
    jm = make_map()
    files = two_files(tmp_path)
    opts = IngestOptions(lost_after=3600, max_bad_rows=BadRowLimit.parse("5", "max_bad_rows"))
    duck = ingest_arms(jm, files, opts, "variant", exposure)
    spk = ingest_arms(jm, files, opts, "variant", exposure, engine="spark", spark=spark)
    assert [a.name for a in duck.arms] == ["control", "treatment"]  # no arm '' or '  '
    assert (
        duck.excluded >= 1 and duck.rows_without_variant > 0 and duck.left_out["no_customer"] == 1
    )
    assert shown(jm, duck) == shown(jm, spk)


def test_progress_is_told_each_step_as_ingest_tells_it(tmp_path: Path) -> None:
    """The steps ``ingest`` reports, and the assignment after the files are read."""
    files = two_files(tmp_path)
    opts = IngestOptions(lost_after=3600, max_bad_rows=BadRowLimit.parse("5", "max_bad_rows"))
    theirs: list[str] = []
    ingest(make_map(), files, replace(opts, segment_by="variant"), progress=theirs.append)
    ours: list[str] = []
    ingest_arms(make_map(), files, opts, "variant", progress=ours.append)
    assert len(theirs) >= 2 and theirs[0] == "opening 2 files"
    assert ours == [theirs[0], "reading, assigning the arms", *theirs[1:]]


def test_the_segment_dictionary_from_the_assignment_is_the_rows_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On DuckDB the ordered pass's segment dictionary comes from ``armed_segments_sql`` (every
    segment the armed rows can have, from the small assignment) instead of a DISTINCT over every
    armed row (the sorted fetch refuses a row whose segment the dictionary lacks): the arms, the
    excluded customers and every row count are the same either way on a log with each branch
    (two arms, blank variants, rows before exposure, no customer)."""
    from journeymap.events import experiment_arms

    jm, files = make_map(), two_files(tmp_path)
    opts = IngestOptions(lost_after=3600, max_bad_rows=BadRowLimit.parse("5", "max_bad_rows"))
    fast = ingest_arms(jm, files, opts, "variant", "cart")
    monkeypatch.setattr(experiment_arms, "SEGMENTS_KEY", "__not_read__")
    slow = ingest_arms(jm, files, opts, "variant", "cart")
    assert fast == slow
    assert fast.excluded > 0 and fast.rows_before_exposure > 0 and fast.rows_without_variant > 0
