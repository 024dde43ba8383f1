"""Comparison with a baseline and regression gating (JM3xx; design section 4.2, methods 3.2-3.5, 6.2).

Touchpoints are matched by id, and by ``formerly`` when the current map renamed one; ids on
one side only are ADDED or REMOVED and not compared. For every matched touchpoint the drop-off
of the two periods is compared:

1. minimum-sample guard first: at least ``min_departures`` (30) departures and at least
   ``min_each`` (5) exits and 5 non-exits in *both* periods, else INSUFFICIENT_DATA;
2. a one-sided two-proportion pooled z test of "drop-off increased";
3. Benjamini-Hochberg over the eligible touchpoints (adjusted p below ``q``, default 0.05);
4. the practical threshold: an increase of at least ``min_increase`` (default 0.01, one
   percentage point).

Verdict: REGRESSION when significant and at least the threshold; WARN when at least the
threshold but not significant; OK otherwise. Customer grain (exits over unique customers)
when both periods have customer counts for the touchpoint; otherwise visit grain, where loops
can make the test overstate significance (noted). Overall conversion (journeys converting out
of entries) and NPS / CSAT per touchpoint are gated the same way, each family with its own BH.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import networkx as nx

from journeymap import graph as g
from journeymap import stats
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, Verdict, fail, ok, register
from journeymap.model import (
    CsatSurvey,
    JourneyMap,
    NpsSurvey,
    Overlay,
    Regression,
    Severity,
    Survey,
    period_bounds,
)

DEFAULT_DROP_OFF = 0.01
DEFAULT_CONVERSION = 0.01
DEFAULT_NPS = 1.0
DEFAULT_CSAT = 1.0
VISIT_GRAIN_NOTE = ("visit grain: a customer who loops back is counted at each visit, which can "
                    "overstate significance")


@dataclass(frozen=True)
class Test:
    """One comparison of a metric between the baseline and the current period."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    metric: str
    """``drop_off``, ``conversion``, ``nps`` or ``csat``."""
    subject: str
    """A touchpoint id, or ``map`` for overall conversion."""
    baseline_subject: str
    grain: str
    """``customers``, ``visits``, ``journeys`` or ``responses``."""
    before: float | None
    after: float | None
    n_before: int
    n_after: int
    x_before: int | None
    x_after: int | None
    threshold: float
    direction: str
    """``increase`` (worse when it goes up) or ``decrease``."""
    verdict: Verdict
    p_value: float | None = None
    p_adjusted: float | None = None
    note: str | None = None
    worsening_lower: float | None = None
    """One-sided 95% Newcombe lower bound of the worsening (display units), proportions only."""

    @property
    def confident(self) -> bool | None:
        """A REGRESSION whose worsening is above the threshold even at its lower bound."""
        if self.verdict != Verdict.REGRESSION or self.worsening_lower is None:
            return None
        return self.worsening_lower > self.threshold

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def as_dict(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 6)

        return {"metric": self.metric, "subject": self.subject,
                "baseline_subject": self.baseline_subject, "grain": self.grain,
                "before": r(self.before), "after": r(self.after), "delta": r(self.delta),
                "n_before": self.n_before, "n_after": self.n_after,
                "x_before": self.x_before, "x_after": self.x_after,
                "threshold": self.threshold, "direction": self.direction,
                "p_value": r(self.p_value), "p_adjusted": r(self.p_adjusted),
                "worsening_lower": r(self.worsening_lower), "confident": self.confident,
                "verdict": self.verdict.value, "note": self.note}


@dataclass(frozen=True)
class Change:
    """A structural change between the baseline and the current map."""

    kind: str
    """``ADDED``, ``REMOVED``, ``RENAMED``, ``MOVED``, ``GOAL_ADDED``, ``GOAL_REMOVED``,
    ``TRANSITION_ADDED``, ``TRANSITION_REMOVED``, ``STAGE_ADDED``, ``STAGE_REMOVED``."""
    subject: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "subject": self.subject, "detail": self.detail}


@dataclass
class Comparison:
    """Everything the baseline comparison found, in stable order."""

    baseline: str
    baseline_period: str | None
    current_period: str | None
    tests: list[Test] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    overlap: str | None = None
    """Why the periods overlap (peeking), or None."""
    settings: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "baseline_period": self.baseline_period,
                "current_period": self.current_period, "settings": self.settings,
                "tests": [t.as_dict() for t in self.tests],
                "changes": [c.as_dict() for c in self.changes],
                "notes": list(self.notes), "overlap": self.overlap}

    def verdicts(self) -> dict[str, int]:
        out = {v.value: 0 for v in Verdict}
        for t in self.tests:
            out[t.verdict.value] += 1
        return out


# --------------------------------------------------------------------------------- matching


def match_touchpoints(current: JourneyMap, baseline: JourneyMap) -> dict[str, str]:
    """``{current id: baseline id}`` by id, then by the current touchpoint's ``formerly``.

    >>> from journeymap.model import JourneyMap
    >>> def m(*tps):
    ...     return JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M",
    ...         "stages": [{"id": "s", "name": "S", "touchpoints": list(tps)}]})
    >>> old = m({"id": "basket", "name": "B"}, {"id": "pay", "name": "P"})
    >>> new = m({"id": "cart", "name": "C", "formerly": ["basket"]}, {"id": "pay", "name": "P"})
    >>> match_touchpoints(new, old)
    {'cart': 'basket', 'pay': 'pay'}
    """
    old = {tp.id for _, tp in baseline.iter_touchpoints()}
    current_ids = [tp.id for _, tp in current.iter_touchpoints()]
    found: dict[str, str] = {t: t for t in current_ids if t in old}
    used = set(found.values())
    for _, tp in current.iter_touchpoints():
        if tp.id in found:
            continue
        for former in tp.formerly:
            if former in old and former not in used:
                found[tp.id] = former
                used.add(former)
                break
    out = {t: found[t] for t in current_ids if t in found}
    return out


def structural_changes(current: JourneyMap, baseline: JourneyMap,
                       matched: dict[str, str]) -> list[Change]:
    """Touchpoints and stages added, removed, renamed or moved; goals and transitions changed."""
    changes: list[Change] = []
    back = {v: k for k, v in matched.items()}
    cur_tps, old_tps = current.touchpoints, baseline.touchpoints
    for tid in cur_tps:
        if tid not in matched:
            changes.append(Change("ADDED", tid, f"touchpoint '{tid}' is new"))
        elif matched[tid] != tid:
            changes.append(Change("RENAMED", tid, f"'{matched[tid]}' is now '{tid}'"))
    for oid in old_tps:
        if oid not in back:
            changes.append(Change("REMOVED", oid, f"touchpoint '{oid}' is gone"))
    for tid, oid in matched.items():
        s_new, s_old = current.stage_of(tid).id, baseline.stage_of(oid).id
        if s_new != s_old:
            changes.append(Change("MOVED", tid, f"'{tid}' moved from stage '{s_old}' to '{s_new}'"))
        was, now = old_tps[oid].goal, cur_tps[tid].goal
        if now and not was:
            changes.append(Change("GOAL_ADDED", tid, f"'{tid}' is now a goal"))
        elif was and not now:
            changes.append(Change("GOAL_REMOVED", tid, f"'{tid}' is no longer a goal"))
        old_next = {back.get(t, f"(removed) {t}") for t in old_tps[oid].transitions}
        new_next = set(cur_tps[tid].transitions)
        for t in sorted(new_next - old_next):
            changes.append(Change("TRANSITION_ADDED", tid, f"'{tid}' -> '{t}' is new"))
        for t in sorted(old_next - new_next):
            changes.append(Change("TRANSITION_REMOVED", tid, f"'{tid}' -> '{t}' is gone"))
    new_stages = [s.id for s in current.stages]
    old_stages = [s.id for s in baseline.stages]
    for sid in new_stages:
        if sid not in old_stages:
            changes.append(Change("STAGE_ADDED", sid, f"stage '{sid}' is new"))
    for sid in old_stages:
        if sid not in new_stages:
            changes.append(Change("STAGE_REMOVED", sid, f"stage '{sid}' is gone"))
    return changes


# ------------------------------------------------------------------------------ the tests


def _departures(G: nx.DiGraph, tid: str) -> tuple[int, int]:
    """``(completed departures m_i, exits x_i)`` at visit grain (in-progress excluded)."""
    d = G.nodes[tid]
    return d[g.TRANSITIONS_OUT] + d[g.EXITS] + d[g.UNKNOWN], d[g.EXITS]


def _eligible(x: int, n: int, settings: Regression) -> bool:
    return n >= settings.min_departures and min(x, n - x) >= settings.min_each


def _verdict(delta: float, threshold: float, significant: bool) -> Verdict:
    if delta >= threshold - 1e-12:
        return Verdict.REGRESSION if significant else Verdict.WARN
    return Verdict.OK


def _gate_proportions(rows: list[dict[str, Any]], settings: Regression, threshold: float,
                      direction: str, metric: str, scale: float = 1.0) -> list[Test]:
    """Guard, one-sided pooled z, BH over the eligible rows, threshold; returns the tests.

    Values and the threshold are in display units: fractions times `scale`.
    """
    alternative: stats.Alternative = "greater" if direction == "increase" else "less"
    eligible = [r for r in rows if _eligible(r["x1"], r["n1"], settings)
                and _eligible(r["x2"], r["n2"], settings)]
    ps = [stats.two_proportion_test(r["x1"], r["n1"], r["x2"], r["n2"], alternative=alternative)
          for r in eligible]
    adjusted = dict(zip((id(r) for r in eligible), zip(ps, stats.benjamini_hochberg(ps),
                                                       strict=True), strict=True))
    tests = []
    for r in rows:
        before = r["x1"] / r["n1"] * scale if r["n1"] else None
        after = r["x2"] / r["n2"] * scale if r["n2"] else None
        common: dict[str, Any] = {
                  "metric": metric, "subject": r["subject"], "baseline_subject": r["old"],
                  "grain": r["grain"], "before": before, "after": after, "n_before": r["n1"],
                  "n_after": r["n2"], "x_before": r["x1"], "x_after": r["x2"],
                  "threshold": threshold, "direction": direction, "note": r.get("note")}
        if id(r) not in adjusted or before is None or after is None:
            tests.append(Test(**common, verdict=Verdict.INSUFFICIENT_DATA))
            continue
        p, padj = adjusted[id(r)]
        change = after - before if direction == "increase" else before - after
        # a one-sided 95% bound is one end of the two-sided 90% interval
        bounds = (stats.newcombe_difference(r["x1"], r["n1"], r["x2"], r["n2"], confidence=0.90)
                  if direction == "increase" else
                  stats.newcombe_difference(r["x2"], r["n2"], r["x1"], r["n1"], confidence=0.90))
        tests.append(Test(**common, verdict=_verdict(change, threshold, padj < settings.q),
                          p_value=p, p_adjusted=padj,
                          worsening_lower=None if bounds is None else bounds[0] * scale))
    return tests


def _survey(G: nx.DiGraph, tid: str, kind: str) -> Survey | None:
    scores = G.nodes[tid][g.SCORES]
    return getattr(scores, kind, None) if scores is not None else None


def compare(current: Context, baseline: Context, *, baseline_label: str) -> Comparison:
    """Compare the current map's period with the baseline's and gate regressions."""
    settings = current.checks.regression or Regression()
    drop_t = settings.drop_off.min_increase if settings.drop_off else DEFAULT_DROP_OFF
    conv_t = settings.conversion.min_decrease if settings.conversion else DEFAULT_CONVERSION
    nps_t = settings.nps.min_decrease if settings.nps else DEFAULT_NPS
    csat_t = settings.csat.min_decrease if settings.csat else DEFAULT_CSAT
    cur_map, old_map = current.loaded.map, baseline.loaded.map
    matched = match_touchpoints(cur_map, old_map)
    comp = Comparison(
        baseline=baseline_label,
        baseline_period=baseline.G.graph[g.PERIOD], current_period=current.G.graph[g.PERIOD],
        changes=structural_changes(cur_map, old_map, matched),
        settings={"q": settings.q, "min_departures": settings.min_departures,
                  "min_each": settings.min_each, "drop_off_min_increase": drop_t,
                  "conversion_min_decrease": conv_t, "nps_min_decrease": nps_t,
                  "csat_min_decrease": csat_t})
    comp.overlap = _overlap(current, baseline)
    if _period_of(current) is None or _period_of(baseline) is None:
        comp.notes.append("the baseline or the current numbers have no period, so journeymap "
                          "cannot tell whether the two windows overlap")
    goals = set(current.goals)
    old_goals = set(baseline.goals)
    G1, G2 = baseline.G, current.G
    # drop-off per matched touchpoint
    rows: list[dict[str, Any]] = []
    visit_grain = False
    for tid in current.touchpoints:
        oid = matched.get(tid)
        if oid is None or tid in goals or oid in old_goals:
            continue
        c1, c2 = G1.nodes[oid][g.CUSTOMERS], G2.nodes[tid][g.CUSTOMERS]
        if c1 is not None and c2 is not None:
            n1, x1, n2, x2, grain, note = c1, G1.nodes[oid][g.EXITS], c2, G2.nodes[tid][g.EXITS], \
                "customers", None
        else:
            (n1, x1), (n2, x2) = _departures(G1, oid), _departures(G2, tid)
            grain, note = "visits", None
            visit_grain = True
        rows.append({"subject": tid, "old": oid, "n1": n1, "x1": min(x1, n1), "n2": n2,
                     "x2": min(x2, n2), "grain": grain, "note": note})
    comp.tests += _gate_proportions(rows, settings, drop_t, "increase", "drop_off")
    if visit_grain:
        comp.notes.append(f"drop-off is compared at {VISIT_GRAIN_NOTE}; overlays made from "
                          "event logs carry customer counts")
    # overall conversion (journeys: entries that convert)
    conv_rows = []
    if goals and old_goals and G1.graph[g.HAS_COUNTS] and G2.graph[g.HAS_COUNTS]:
        n1, x1 = _journeys(baseline)
        n2, x2 = _journeys(current)
        conv_rows.append({"subject": "map", "old": "map", "n1": n1, "x1": min(x1, n1), "n2": n2,
                          "x2": min(x2, n2), "grain": "journeys",
                          "note": "conversions into the selected goals over entries"})
    comp.tests += _gate_proportions(conv_rows, settings, conv_t, "decrease", "conversion")
    # CSAT per matched touchpoint (percent, threshold in percentage points)
    csat_rows = []
    for tid, oid in matched.items():
        s1, s2 = _survey(G1, oid, "csat"), _survey(G2, tid, "csat")
        if not isinstance(s1, CsatSurvey) or not isinstance(s2, CsatSurvey):
            continue
        csat_rows.append({"subject": tid, "old": oid, "n1": s1.total, "x1": s1.satisfied,
                          "n2": s2.total, "x2": s2.satisfied, "grain": "responses"})
    comp.tests += _gate_proportions(csat_rows, settings, csat_t, "decrease", "csat", scale=100.0)
    comp.tests += _gate_nps(matched, G1, G2, settings, nps_t)
    order = {tid: i for i, tid in enumerate(current.touchpoints)}
    metric_order = {"conversion": 0, "drop_off": 1, "nps": 2, "csat": 3}
    comp.tests.sort(key=lambda t: (metric_order[t.metric], order.get(t.subject, -1)))
    return comp


def _journeys(ctx: Context) -> tuple[int, int]:
    """``(entries, conversions into the selected goals)`` from the counts."""
    G = ctx.G
    goals = set(ctx.goals)
    entries = sum(G.nodes[n][g.ENTRIES] for n in G if n not in goals)
    conversions = sum(d[g.COUNT] for u, v, d in G.edges(data=True) if v in goals and u not in goals)
    return entries, conversions


def _gate_nps(matched: dict[str, str], G1: nx.DiGraph, G2: nx.DiGraph, settings: Regression,
              threshold: float) -> list[Test]:
    rows = []
    for tid, oid in matched.items():
        s1, s2 = _survey(G1, oid, "nps"), _survey(G2, tid, "nps")
        if not (isinstance(s1, NpsSurvey) and isinstance(s2, NpsSurvey)
                and s1.on_nps_scale and s2.on_nps_scale):
            continue
        rows.append((tid, oid, s1.counts(), s2.counts()))
    eligible = []
    results: dict[str, tuple[float, float]] = {}
    for tid, _, a, b in rows:
        if a.responses >= settings.min_departures and b.responses >= settings.min_departures:
            test = stats.nps_test(a, b)
            if test is not None:
                eligible.append(tid)
                results[tid] = test
    adjusted = dict(zip(eligible, stats.benjamini_hochberg([results[t][1] for t in eligible]),
                        strict=True))
    tests = []
    for tid, oid, a, b in rows:
        v1, v2 = stats.nps_score(a), stats.nps_score(b)
        common: dict[str, Any] = {
                  "metric": "nps", "subject": tid, "baseline_subject": oid, "grain": "responses",
                  "before": v1, "after": v2,
                  "n_before": a.responses, "n_after": b.responses, "x_before": None, "x_after": None,
                  "threshold": threshold, "direction": "decrease",
                  "note": "z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)"}
        if tid not in adjusted or v1 is None or v2 is None:
            tests.append(Test(**common, verdict=Verdict.INSUFFICIENT_DATA))
            continue
        tests.append(Test(**common, verdict=_verdict(v1 - v2, threshold,
                                                     adjusted[tid] < settings.q),
                          p_value=results[tid][1], p_adjusted=adjusted[tid]))
    return tests


def _period_of(ctx: Context) -> tuple[dt.date, dt.date] | None:
    overlay: Overlay | None = ctx.loaded.overlay
    period = overlay.period if overlay is not None and overlay.period is not None \
        else ctx.loaded.map.period
    return period_bounds(period) if period is not None else None


def _overlap(current: Context, baseline: Context) -> str | None:
    a, b = _period_of(baseline), _period_of(current)
    if a is None or b is None:
        return None  # compare() adds a note
    if a == b:
        return f"the baseline and the current period are the same ({a[0]} to {a[1]})"
    if a[0] <= b[1] and b[0] <= a[1]:
        return (f"the baseline period ({a[0]} to {a[1]}) overlaps the current one "
                f"({b[0]} to {b[1]})")
    return None


# ------------------------------------------------------------------------- the checks


def _position(ctx: Context, test: Test) -> Any:
    if test.subject != "map":
        return ctx.tp_position(test.subject)
    reg = ctx.checks.regression
    if reg is not None and reg.conversion is not None:
        return ctx.check_position("regression", "conversion")
    return ctx.map_position()


def _describe(test: Test) -> str:
    frac = test.metric in ("drop_off", "conversion")

    def f(v: float | None) -> str:
        if v is None:
            return "n/a"
        if frac:
            return f"{v:.1%}"
        return f"{v:.1f}%" if test.metric == "csat" else f"{v:.1f}"

    scale = 100.0 if frac else 1.0
    unit = " points" if test.metric == "nps" else "pp"
    delta = test.delta
    what = {"drop_off": "drop-off", "conversion": "conversion", "nps": "NPS", "csat": "CSAT"}[
        test.metric]
    where = f" at '{test.subject}'" if test.subject != "map" else ""
    renamed = (f" (was '{test.baseline_subject}')"
               if test.baseline_subject not in (test.subject, "map") else "")
    if test.verdict == Verdict.INSUFFICIENT_DATA:
        if test.x_before is None or test.x_after is None:
            sizes = f"{test.n_before:,} {test.grain} before, {test.n_after:,} now"
        else:
            sizes = (f"{test.x_before:,} of {test.n_before:,} {test.grain} before, "
                     f"{test.x_after:,} of {test.n_after:,} now")
        return (f"{what}{where}{renamed}: too little data to judge ({sizes}); not compared")
    thr = f"{test.threshold * scale:g}{unit}"
    d = "n/a" if delta is None else f"{delta * scale:+.1f}{unit}"
    tail = f"adjusted p = {test.p_adjusted:.3g}" if test.p_adjusted is not None else ""
    if test.verdict == Verdict.REGRESSION:
        sure = ""
        if test.confident and test.worsening_lower is not None:
            sure = f"; confident: at least {test.worsening_lower * scale:.1f}{unit} worse"
        return (f"{what}{where}{renamed} got worse: {f(test.before)} -> {f(test.after)} "
                f"({d}, threshold {thr}, {tail}){sure}")
    return (f"{what}{where}{renamed} may have got worse: {f(test.before)} -> {f(test.after)} "
            f"({d}, threshold {thr}) but it is not significant ({tail})")


def _gate(ctx: Context, metric: str) -> Iterator[Outcome]:
    if ctx.comparison is None:
        return
    for test in ctx.comparison.tests:
        if test.metric != metric:
            continue
        subject = f"touchpoint:{test.subject}" if test.subject != "map" else "map"
        if test.verdict == Verdict.OK:
            yield ok(subject)
            continue
        severity = Severity.ERROR if test.verdict == Verdict.REGRESSION else Severity.WARNING
        data = {k: v for k, v in test.as_dict().items()
                if k in ("verdict", "before", "after", "delta", "p_value", "p_adjusted",
                         "n_before", "n_after", "grain")}
        yield fail(subject, _describe(test), _position(ctx, test), severity=severity, **data)


_EXAMPLE_NOTE = """
    Run with a baseline: ``journeymap check maps/shop.yaml --data now.yaml --baseline
    maps/shop.yaml --baseline-data before.yaml`` (or ``--baseline-ref origin/main``).
"""


@register("JM301", "regression.drop_off", kind="regression")
def drop_off_regression(ctx: Context) -> Iterator[Outcome]:
    """Drop-off at a touchpoint got worse than in the baseline period.

    REGRESSION (error) when the one-sided pooled z test is significant after
    Benjamini-Hochberg and the increase is at least ``checks.regression.drop_off.min_increase``
    (default 0.01); WARN when the increase is that large but not significant;
    INSUFFICIENT_DATA (warning) when either period has fewer than ``min_departures`` (30)
    departures or fewer than ``min_each`` (5) exits or non-exits.

    Fails (the baseline below lost 300 of 1,000 at 'cart')::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 695}, exits: 305}
              - {id: paid, name: Paid, goal: true}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300}
              - {id: paid, name: Paid, goal: true}
    """
    yield from _gate(ctx, "drop_off")


@register("JM302", "regression.conversion", kind="regression")
def conversion_regression(ctx: Context) -> Iterator[Outcome]:
    """Overall conversion fell compared with the baseline period.

    Journeys are entries and successes are conversions into the selected goals; the same
    guard, one-sided test and threshold (``checks.regression.conversion.min_decrease``,
    default 0.01) as drop-off.

    Fails (600 of 1,000 converted in the baseline below)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 500}, exits: 500}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}
    """
    yield from _gate(ctx, "conversion")


@register("JM303", "regression.nps", kind="regression")
def nps_regression(ctx: Context) -> Iterator[Outcome]:
    """NPS at a touchpoint fell compared with the baseline period.

    ``z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)`` with the multinomial standard errors;
    at least ``min_departures`` responses in both periods; threshold
    ``checks.regression.nps.min_decrease`` (default 1 point).

    Fails (the baseline below has NPS 40 from 200 responses)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  nps: {responses: {10: 60, 8: 60, 3: 80}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  nps: {responses: {10: 100, 8: 80, 3: 20}}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  nps: {responses: {10: 100, 8: 80, 3: 20}}
    """
    yield from _gate(ctx, "nps")


@register("JM304", "regression.csat", kind="regression")
def csat_regression(ctx: Context) -> Iterator[Outcome]:
    """CSAT at a touchpoint fell compared with the baseline period.

    CSAT is a proportion (top-box answers over all answers), tested like drop-off; the
    threshold ``checks.regression.csat.min_decrease`` is in percentage points (default 1).

    Fails (the baseline below has CSAT 80% from 200 responses)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 70, 4: 70, 2: 60}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 90, 4: 72, 2: 38}}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 90, 4: 70, 2: 40}}
    """
    yield from _gate(ctx, "csat")


@register("JM305", "regression.overlapping_periods", kind="regression",
          severity=Severity.WARNING)
def overlapping_periods(ctx: Context) -> Iterator[Outcome]:
    """The baseline and the current period overlap or are the same (peeking).

    A CI job that re-tests a growing window against a fixed significance level on every
    commit finds "regressions" by chance. Compare fixed, non-overlapping windows of equal
    length: last quarter's overlay against this quarter's.

    Fails (the baseline below covers 2026-Q2)::

        journeymap: 1
        id: shop
        title: Shop
        period: {start: 2026-06-01, end: 2026-08-31}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}
    """
    if ctx.comparison is None:
        return
    if ctx.comparison.overlap is None:
        yield ok("map")
        return
    pos = ctx.loaded.locate("period") or ctx.map_position()
    if ctx.loaded.overlay is not None and ctx.loaded.overlay.period is not None:
        pos = ctx.loaded.overlay_position("period") or pos
    yield fail("map", f"{ctx.comparison.overlap}: comparing overlapping windows is peeking",
               pos, hint="compare fixed, non-overlapping periods of equal length")
