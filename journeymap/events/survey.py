"""``ingest-survey``: a survey export (one row per answer) -> the responses of an overlay.

Each row names a touchpoint (its id) or a question (the ``question`` text a touchpoint's survey
declares in the map), a score, and optionally the metric, the customer and the time. Scores are
counted per answer on the scale the map declares (NPS 0-10, CSAT 1-5 unless declared otherwise,
CES with its declared scale and direction); an answer off the scale is an error with its line.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journeymap.errors import UsageError, did_you_mean
from journeymap.events.settings import SettingError, missing_column
from journeymap.io.files import require_regular
from journeymap.io.writer import overlay_plain
from journeymap.model import CSAT_SCALE, NPS_SCALE, JourneyMap, Overlay, Survey
from journeymap.source import Position, undecodable

HEADER = (
    "journeymap overlay written by `journeymap ingest-survey`: survey responses.\n"
    "Give it to any command with --data. See docs/events.md for every field."
)
"""The comment at the top of an overlay written as YAML."""
METRICS = ("nps", "csat", "ces")
DEFAULT_SCALES = {"nps": NPS_SCALE, "csat": CSAT_SCALE}


@dataclass(frozen=True)
class SurveyColumns:
    touchpoint: str = "touchpoint"
    score: str = "score"
    metric: str | None = "metric"
    customer: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class SurveyResult:
    overlay: Overlay
    answers: int
    skipped: int
    duplicates: int


def _targets(jm: JourneyMap) -> dict[str, list[tuple[str, str]]]:
    """Question text -> [(touchpoint, metric)] for every survey question the map declares."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _, tp in jm.iter_touchpoints():
        if tp.scores is None:
            continue
        for metric in METRICS:
            s = getattr(tp.scores, metric)
            if s is not None and s.question:
                out[s.question.strip()].append((tp.id, metric))
    return out


def _declared(jm: JourneyMap, tid: str, metric: str) -> Survey | None:
    tp = jm.touchpoints[tid]
    return None if tp.scores is None else getattr(tp.scores, metric)


def ingest_survey(
    jm: JourneyMap, path: str, columns: SurveyColumns | None = None, base: Overlay | None = None
) -> SurveyResult:
    """Count the answers of a survey export; ``base`` is an overlay to add them to."""
    cols = columns or SurveyColumns()
    try:
        require_regular(path, str(path), "survey export")  # a FIFO would block
        data = Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf")
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            position=undecodable(str(path), data, exc),
            hint="export the survey as UTF-8 CSV",
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    metric_col = cols.metric if cols.metric in header else None
    for col, setting in (
        (cols.touchpoint, "columns.touchpoint"),
        (cols.score, "columns.score"),
        (cols.customer, "columns.customer"),
        (cols.time, "columns.time"),
    ):
        if col is not None and col not in header:
            raise SettingError(
                setting,
                missing_column(path, col),
                hint=did_you_mean(col, header) or f"columns: {', '.join(header)}",
            )
    ids = list(jm.touchpoints)
    questions = _targets(jm)
    latest: dict[tuple[str, str, str], tuple[str, int, int]] = {}
    counts: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    answers = skipped = duplicates = 0
    for row_no, row in enumerate(reader, start=2):
        pos = Position(path, row_no, 1)
        raw_score = (row.get(cols.score) or "").strip()
        where = (row.get(cols.touchpoint) or "").strip()
        if not raw_score or not where:
            skipped += 1
            continue
        metric = (row.get(metric_col) or "").strip().lower() if metric_col else ""
        if where in jm.touchpoints:
            tid = where
            if not metric:
                declared = [m for m in METRICS if _declared(jm, tid, m) is not None]
                if len(declared) != 1:
                    raise UsageError(
                        f"which metric is this answer for '{tid}'?",
                        position=pos,
                        hint="add a metric column (nps, csat, ces) or declare one survey "
                        "for the touchpoint in the map",
                    )
                metric = declared[0]
        elif where in questions:
            options = [(t, m) for t, m in questions[where] if not metric or m == metric]
            if len(options) != 1:
                raise UsageError(
                    f"the question '{where}' belongs to {len(options)} surveys of the map",
                    position=pos,
                    hint="add a metric column, or keep questions unique",
                )
            tid, metric = options[0]
        else:
            raise UsageError(
                f"'{where}' is neither a touchpoint id nor a question of the map",
                position=pos,
                hint=did_you_mean(where, ids + list(questions)),
            )
        if metric not in METRICS:
            raise UsageError(
                f"unknown metric '{metric}'", position=pos, hint="use nps, csat or ces"
            )
        try:
            score = int(raw_score)
        except ValueError:
            raise UsageError(f"score '{raw_score}' is not a whole number", position=pos) from None
        declared_survey = _declared(jm, tid, metric)
        if declared_survey is None and metric == "ces":
            raise UsageError(
                f"the map declares no CES survey for '{tid}'",
                position=pos,
                hint="declare scores: {ces: {scale: [1, 7], direction: higher_is_better}}",
            )
        lo, hi = tuple(declared_survey.scale) if declared_survey else DEFAULT_SCALES[metric]
        if not lo <= score <= hi:
            raise UsageError(
                f"{metric.upper()} answer {score} lies outside the scale [{lo}, {hi}] of '{tid}'",
                position=pos,
            )
        if cols.customer:
            cust = (row.get(cols.customer) or "").strip()
            if cust:
                key = (tid, metric, cust)
                when = (row.get(cols.time) or "").strip() if cols.time else ""
                if key in latest:
                    duplicates += 1
                    prev_when, _, _ = latest[key]
                    if when < prev_when:
                        continue
                latest[key] = (when, row_no, score)
                continue
        counts[(tid, metric)][score] += 1
        answers += 1
    for (tid, metric, _), (_, _, score) in latest.items():
        counts[(tid, metric)][score] += 1
        answers += 1
    doc: dict[str, Any] = overlay_plain(base) if base else {"journeymap-data": 1, "map": jm.id}
    items: dict[str, dict[str, Any]] = doc.get("touchpoints", {})
    for (tid, metric), resp in sorted(counts.items()):
        declared_survey = _declared(jm, tid, metric)
        survey: dict[str, Any] = {
            "scale": list(declared_survey.scale)
            if declared_survey
            else list(DEFAULT_SCALES[metric]),
            "responses": {k: resp[k] for k in sorted(resp)},
        }
        if declared_survey is not None:
            if declared_survey.direction is not None:
                survey["direction"] = declared_survey.direction.value
            if declared_survey.top_box is not None:
                survey["top_box"] = list(declared_survey.top_box)
            if declared_survey.question:
                survey["question"] = declared_survey.question
        item = items.setdefault(tid, {})
        item.setdefault("scores", {})[metric] = survey
    doc["touchpoints"] = {t: items[t] for t in jm.touchpoints if t in items}
    settings = dict(doc.get("settings", {}))
    settings["survey"] = {
        "file": path,
        "columns": {
            "touchpoint": cols.touchpoint,
            "score": cols.score,
            "metric": metric_col,
            "customer": cols.customer,
            "time": cols.time,
        },
        "one_answer_per_customer": cols.customer is not None,
    }
    doc["settings"] = settings
    return SurveyResult(Overlay.model_validate(doc), answers, skipped, duplicates)
