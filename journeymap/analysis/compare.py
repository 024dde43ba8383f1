"""Plain side-by-side comparison of two analyses (two periods, scenarios or personas).

No statistics of regression gating here (that is ``journeymap check``'s baseline gate): only the
figures of both sides and their differences (``b - a``). Touchpoints are matched as the gate
matches them (:func:`~journeymap.analysis.comparison.match_touchpoints`: by id, or by a
``formerly`` id of side b); touchpoints on one side only are ADDED or REMOVED, never compared.
"""

from __future__ import annotations

from typing import Any

from journeymap.analysis.comparison import match_touchpoints
from journeymap.analysis.document import rounded
from journeymap.analysis.results import Analysis, Leak, TouchpointFigures
from journeymap.i18n import N_

SUMMARY_FIGURES = (
    "entries",
    "conversions",
    "exits",
    "observed_conversion_rate",
    "conversion_probability",
    "unknown_probability",
    "expected_touchpoints",
    "total_lost_conversions",
    "total_lost_value",
)
COMPARISON_NOTE = N_(
    "a plain side-by-side comparison: differences are not tested for significance "
    "(journeymap check's baseline gate does that)"
)
"""The note of every comparison (English in the JSON; translated where it is printed)."""
TOUCHPOINT_FIGURES = (
    "visits",
    "exits",
    "departures",
    "drop_off",
    "conversion_probability",
    "reach_probability",
    "removal_effect",
)


def _diff(a: Any, b: Any) -> Any:
    if (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return b - a
    return None


def _side(an: Analysis, label: str | None) -> dict[str, Any]:
    s = an.settings
    return {
        "label": label,
        "map": an.map.id,
        "period": s.period,
        "scenario": s.scenario,
        "persona": s.persona,
        "goal": s.goal,
        "data": s.data,
    }


def compare(
    a: Analysis, b: Analysis, *, labels: tuple[str | None, str | None] = (None, None)
) -> dict[str, Any]:
    """Side-by-side figures of two analyses, ``change = b - a``.

    Examples
    --------
    >>> from journeymap.model import JourneyMap
    >>> from journeymap.graph import build_graph
    >>> from journeymap.analysis import analyze
    >>> def m(n):
    ...     return build_graph(JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M",
    ...         "stages": [{"id": "s", "name": "S", "touchpoints": [
    ...         {"id": "cart", "name": "Cart", "entries": 100, "next": {"paid": n}},
    ...         {"id": "paid", "name": "Paid", "goal": True}]}]}))
    >>> c = compare(analyze(m(60), samples=0), analyze(m(50), samples=0))
    >>> c["summary"]["conversion_probability"]
    {'a': 0.6, 'b': 0.5, 'change': -0.1}
    >>> c["touchpoints"][0]["change"]["drop_off"]
    0.1
    """
    summary = {
        k: {
            "a": getattr(a.summary, k),
            "b": getattr(b.summary, k),
            "change": _diff(getattr(a.summary, k), getattr(b.summary, k)),
        }
        for k in SUMMARY_FIGURES
    }
    rows = _touchpoint_rows(a, b)
    stages = _stage_rows(a, b)
    doc = {
        "journeymap-comparison": 1,
        "a": _side(a, labels[0]),
        "b": _side(b, labels[1]),
        "unit": a.settings.unit,
        "currency": b.settings.currency or a.settings.currency,
        "summary": summary,
        "touchpoints": rows,
        "stages": stages,
        "top_leaks": {
            "a": [lk.touchpoint for lk in a.leaks[:5]],
            "b": [lk.touchpoint for lk in b.leaks[:5]],
        },
        "note": COMPARISON_NOTE,
    }
    return rounded(doc)


def _touchpoint_rows(a: Analysis, b: Analysis) -> list[dict[str, Any]]:
    """The touchpoints side by side: a's in its order (compared, renamed or removed), then the
    ones added in b."""
    a_tps = {t.id: t for t in a.touchpoints}
    b_tps = {t.id: t for t in b.touchpoints}
    matched = match_touchpoints({tid: list(t.formerly) for tid, t in b_tps.items()}, a_tps)
    renamed = {aid: bid for bid, aid in matched.items() if aid != bid}  # a id -> b id
    rows: list[dict[str, Any]] = []
    matched_b: set[str] = set()
    for aid, ta in a_tps.items():
        bid = aid if aid in b_tps else renamed.get(aid)
        if bid is None:
            rows.append(
                {"id": aid, "status": "REMOVED", "a": _figures(a, ta), "b": None, "change": None}
            )
            continue
        matched_b.add(bid)
        fa, fb = _figures(a, ta), _figures(b, b_tps[bid])
        rows.append(
            {
                "id": bid,
                "status": "RENAMED" if bid != aid else "COMPARED",
                "formerly": aid if bid != aid else None,
                "a": fa,
                "b": fb,
                "change": {k: _diff(fa[k], fb[k]) for k in fa},
            }
        )
    for bid, tb in b_tps.items():
        if bid not in matched_b:
            rows.append(
                {"id": bid, "status": "ADDED", "a": None, "b": _figures(b, tb), "change": None}
            )
    return rows


def _stage_rows(a: Analysis, b: Analysis) -> list[dict[str, Any]]:
    """The reach probability of each stage of b beside a's (None where a has no such stage)."""
    stages = []
    for s in b.stages:
        sa = a.stage(s.id)
        ra = None if sa is None else sa.reach_probability
        stages.append(
            {
                "id": s.id,
                "a": ra,
                "b": s.reach_probability,
                "change": _diff(ra, s.reach_probability),
            }
        )
    return stages


def _figures(an: Analysis, t: TouchpointFigures) -> dict[str, Any]:
    out: dict[str, Any] = {k: getattr(t, k) for k in TOUCHPOINT_FIGURES}
    leak: Leak | None = an.leak(t.id)
    out["lost_conversions"] = None if leak is None else leak.lost_conversions
    out["lost_value"] = None if leak is None else leak.lost_value
    survey = an.survey(t.id)
    out.update({kind: survey.headline(kind) for kind in ("nps", "csat", "ces")})
    return out
