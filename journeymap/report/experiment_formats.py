"""An experiment readout as long CSV (one figure a row) and as GitHub workflow commands.

CSV columns: ``arm, metric, subject, value, low, high, p, q`` (empty cells for null; numbers
rounded as in the JSON document). GitHub: annotations on the map's ``experiments:`` entry (the
escaping of :mod:`journeymap.report.checks`), one for the decision and one per breached or
unclear guardrail; docs/experiments.md, "Formats".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from journeymap.analysis.document import rounded
from journeymap.analysis.experiment import Readout
from journeymap.report.checks import escape_github_data, escape_github_property
from journeymap.source import Position

CSV_COLUMNS = ("arm", "metric", "subject", "value", "low", "high", "p", "q")

Row = tuple[
    str, str, str, float | int | None, float | None, float | None, float | None, float | None
]
Span = tuple[float, float] | None


def _row(
    arm: str,
    metric: str,
    subject: str,
    value: float | None,
    span: Span = None,
    p: float | None = None,
    q: float | None = None,
) -> Row:
    low, high = span if span is not None else (None, None)
    return (arm, metric, subject, value, low, high, p, q)


def csv_rows(r: Readout) -> Iterator[Row]:
    """Every figure of the readout, in the order of the JSON document."""
    for a in r.arms:
        yield _row(a.name, "customers", "", a.customers)
        yield _row(a.name, "excluded", "", a.excluded)
        yield _row(a.name, "conversions", "goals", a.conversions)
        yield _row(a.name, "conversion", "goals", a.conversion, a.conversion_interval)
    yield _row("", "srm", "", r.srm.statistic, None, r.srm.p_value)
    for c in r.comparisons:
        yield _row(
            c.arm, "difference", c.metric, c.difference, c.difference_interval,
            c.p_value, c.p_value_adjusted,
        )  # fmt: skip
        yield _row(c.arm, "relative_lift", c.metric, c.relative_lift, c.relative_lift_interval)
        yield _row(
            c.arm, "sequential_difference", c.metric, c.difference, c.confidence_sequence,
            c.sequential_p_value, c.sequential_p_value_adjusted,
        )  # fmt: skip
        yield _row(c.arm, "chance_to_beat_control", c.metric, c.chance_to_beat_control)
    for t in r.touchpoints:
        yield _row(t.arm, "drop_off", t.touchpoint, t.drop_off)
        yield _row(
            t.arm, "drop_off_difference", t.touchpoint, t.difference, t.difference_interval,
            t.p_value, t.q_value,
        )  # fmt: skip
    for g in r.guardrails:
        yield _row(g.arm, f"guardrail_{g.metric}", g.subject, g.difference, g.difference_interval)
    for s in r.scenario_check:
        yield _row(s.arm, "scenario_predicted", s.scenario, s.predicted)
        yield _row(s.arm, "scenario_observed", s.scenario, s.observed, s.observed_interval)


def to_csv(r: Readout) -> str:
    """The long CSV (module docstring).

    The decision is in the last row: ``metric`` ``decision``, ``subject`` its value.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for row in csv_rows(r):
        w.writerow(["" if v is None else v for v in rounded(row)])
    w.writerow(["", "decision", r.decision.value, "", "", "", "", ""])
    return buf.getvalue()


def github(r: Readout, position: Position | None) -> str:
    """Workflow commands annotating ``position`` (the map's ``experiments:`` entry).

    The decision is an ``error`` when it is ``harm`` or ``invalid`` (the command exits 1),
    else a ``notice``; a breached guardrail adds an ``error``, an unclear one a ``warning``.
    """
    where = (
        []
        if position is None
        else [
            f"file={escape_github_property(position.path)}",
            f"line={position.line}",
            f"col={position.col}",
        ]
    )
    name = r.experiment or "experiment"

    def command(level: str, title: str, message: str) -> str:
        props = ",".join([*where, f"title={escape_github_property(title)}"])
        return f"::{level} {props}::{escape_github_data(message)}"

    level = "error" if r.decision.value in ("harm", "invalid") else "notice"
    out = [command(level, f"{name}: {r.decision.value}", r.reason)]
    for g in r.guardrails:
        if g.verdict in ("breached", "unclear"):
            out.append(
                command(
                    "error" if g.verdict == "breached" else "warning",
                    f"{name}: guardrail {g.metric} at {g.subject}",
                    f"{g.arm}: {g.verdict} (worse when {g.worse_when}, tolerated {g.tolerance})",
                )
            )
    out += [command("notice", f"{name}: note", n) for n in r.notes]
    out.append(f"journeymap experiment: {r.decision.value}")
    return "\n".join(out) + "\n"
