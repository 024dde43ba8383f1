"""Plain side-by-side comparison of two analyses (two periods, scenarios or personas).

No statistics of regression gating here (that is ``journeymap check``'s baseline gate): only the
figures of both sides and their differences (``b - a``). Touchpoints are matched as the gate
matches them (:func:`~journeymap.analysis.comparison.match_touchpoints`: by id, or by a
``formerly`` id of side b); touchpoints on one side only are ADDED or REMOVED, never compared.
The result is a typed :class:`~journeymap.analysis.compare_results.SideBySide`; its
``to_dict()`` is the JSON document.
"""

from __future__ import annotations

from journeymap.analysis.compare_results import (
    SUMMARY_FIGURES,
    ComparedFigures,
    ComparedSide,
    FigurePair,
    SideBySide,
    StageRow,
    SummaryPairs,
    TopLeaks,
    TouchpointRow,
)
from journeymap.analysis.comparison import match_touchpoints
from journeymap.analysis.document import rounded
from journeymap.analysis.results import Analysis, TouchpointFigures
from journeymap.i18n import N_

__all__ = ["COMPARISON_NOTE", "SUMMARY_FIGURES", "SideBySide", "compare"]

COMPARISON_NOTE = N_(
    "a plain side-by-side comparison: differences are not tested for significance "
    "(journeymap check's baseline gate does that)"
)
"""The note of every comparison (English in the JSON; translated where it is printed)."""


def _diff(a: object, b: object) -> float | None:
    """``b - a`` when both are numbers (not booleans), else None (a side without the figure)."""
    if (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return b - a
    return None


def _side(an: Analysis, label: str | None) -> ComparedSide:
    """Which analysis ``an`` is, as a side of the comparison."""
    s = an.settings
    return ComparedSide(
        label=label,
        map=an.map.id,
        period=s.period,
        scenario=s.scenario,
        persona=s.persona,
        goal=s.goal,
        data=s.data,
    )


def compare(
    a: Analysis, b: Analysis, *, labels: tuple[str | None, str | None] = (None, None)
) -> SideBySide:
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
    >>> c.summary.conversion_probability
    FigurePair(a=0.6, b=0.5, change=-0.1)
    >>> c.touchpoints[0].change.drop_off
    0.1
    >>> c.to_dict()["summary"]["conversion_probability"]
    {'a': 0.6, 'b': 0.5, 'change': -0.1}
    """
    summary = SummaryPairs(
        **{
            k: FigurePair(
                a=getattr(a.summary, k),
                b=getattr(b.summary, k),
                change=_diff(getattr(a.summary, k), getattr(b.summary, k)),
            )
            for k in SUMMARY_FIGURES
        }
    )
    side_by_side = SideBySide(
        a=_side(a, labels[0]),
        b=_side(b, labels[1]),
        unit=a.settings.unit,
        currency=b.settings.currency or a.settings.currency,
        summary=summary,
        touchpoints=_touchpoint_rows(a, b),
        stages=_stage_rows(a, b),
        top_leaks=TopLeaks(
            a=tuple(lk.touchpoint for lk in a.leaks[:5]),
            b=tuple(lk.touchpoint for lk in b.leaks[:5]),
        ),
        note=COMPARISON_NOTE,
    )
    return rounded(side_by_side)


def _touchpoint_rows(a: Analysis, b: Analysis) -> tuple[TouchpointRow, ...]:
    """The touchpoints side by side: a's in its order (compared, renamed or removed), then the
    ones added in b."""
    a_tps = {t.id: t for t in a.touchpoints}
    b_tps = {t.id: t for t in b.touchpoints}
    matched = match_touchpoints({tid: list(t.formerly) for tid, t in b_tps.items()}, a_tps)
    renamed = {aid: bid for bid, aid in matched.items() if aid != bid}  # a id -> b id
    rows: list[TouchpointRow] = []
    matched_b: set[str] = set()
    for aid, ta in a_tps.items():
        bid = aid if aid in b_tps else renamed.get(aid)
        if bid is None:
            rows.append(TouchpointRow(aid, "REMOVED", None, _figures(a, ta), None, None))
            continue
        matched_b.add(bid)
        fa, fb = _figures(a, ta), _figures(b, b_tps[bid])
        rows.append(
            TouchpointRow(
                id=bid,
                status="RENAMED" if bid != aid else "COMPARED",
                formerly=aid if bid != aid else None,
                a=fa,
                b=fb,
                change=_changes(fa, fb),
            )
        )
    for bid, tb in b_tps.items():
        if bid not in matched_b:
            rows.append(TouchpointRow(bid, "ADDED", None, None, _figures(b, tb), None))
    return tuple(rows)


def _stage_rows(a: Analysis, b: Analysis) -> tuple[StageRow, ...]:
    """The reach probability of each stage of b beside a's (None where a has no such stage)."""
    stages = []
    for s in b.stages:
        sa = a.stage(s.id)
        ra = None if sa is None else sa.reach_probability
        stages.append(
            StageRow(
                id=s.id,
                a=ra,
                b=s.reach_probability,
                change=_diff(ra, s.reach_probability),
            )
        )
    return tuple(stages)


def _figures(an: Analysis, t: TouchpointFigures) -> ComparedFigures:
    """The figures of touchpoint ``t`` of analysis ``an`` that a comparison shows."""
    leak = an.leak(t.id)
    survey = an.survey(t.id)
    return ComparedFigures(
        visits=t.visits,
        exits=t.exits,
        departures=t.departures,
        drop_off=t.drop_off,
        conversion_probability=t.conversion_probability,
        reach_probability=t.reach_probability,
        removal_effect=t.removal_effect,
        lost_conversions=None if leak is None else leak.lost_conversions,
        lost_value=None if leak is None else leak.lost_value,
        nps=survey.headline("nps"),
        csat=survey.headline("csat"),
        ces=survey.headline("ces"),
    )


def _changes(fa: ComparedFigures, fb: ComparedFigures) -> ComparedFigures:
    """Each figure's change ``b - a`` (:func:`_diff`) between two sides of a touchpoint."""
    return ComparedFigures(
        visits=fb.visits - fa.visits,
        exits=fb.exits - fa.exits,
        departures=fb.departures - fa.departures,
        drop_off=_diff(fa.drop_off, fb.drop_off),
        conversion_probability=_diff(fa.conversion_probability, fb.conversion_probability),
        reach_probability=_diff(fa.reach_probability, fb.reach_probability),
        removal_effect=_diff(fa.removal_effect, fb.removal_effect),
        lost_conversions=_diff(fa.lost_conversions, fb.lost_conversions),
        lost_value=_diff(fa.lost_value, fb.lost_value),
        nps=_diff(fa.nps, fb.nps),
        csat=_diff(fa.csat, fb.csat),
        ces=_diff(fa.ces, fb.ces),
    )
