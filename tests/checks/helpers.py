"""Run checks on maps written as text (test cases, docstring examples)."""

from __future__ import annotations

import datetime as dt

from journeymap.checks import MapResult, check_map
from journeymap.io import load_map


def run_text(
    text: str,
    *,
    baseline: str | None = None,
    goal: str | None = None,
    today: dt.date | None = None,
    name: str = "case.yaml",
    history: str | None = None,
) -> MapResult:
    loaded = load_map(name, text=text.encode("utf-8"))
    base = load_map("baseline.yaml", text=baseline.encode("utf-8")) if baseline else None
    past = None
    if history is not None:
        docs = history.split("\n---\n")
        past = [load_map(f"history-{i}.yaml", text=d.encode("utf-8")) for i, d in enumerate(docs)]
    return check_map(loaded, goal=goal, baseline=base, today=today, history=past)
