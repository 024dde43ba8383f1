"""``analyze(G)``: every figure of the analysis, as one JSON-ready document.

The document is the contract of ``journeymap analyze --format json`` (``docs/analysis.md``
lists every name). Undefined figures are None (null), never NaN, each with a coded JM5xx warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from journeymap.analysis.bootstrap import bootstrap, interval, probability_top
from journeymap.analysis.business import business_metrics, business_warnings
from journeymap.analysis.chain import (
    Chain,
    Solution,
    build_chain,
    removal_effects,
    solve_chain,
    stage_reach,
    what_if_edge,
    what_if_pro_rata,
)
from journeymap.analysis.flow import RESIDUAL_TOLERANCE, Flow, flow_table
from journeymap.analysis.jsonready import clean
from journeymap.analysis.surveys import merge_responses, survey_metrics, survey_problems
from journeymap.errors import UsageError, did_you_mean
from journeymap.facts import after_goal_touchpoints, selected_goals
from journeymap.graph import (
    COUNT,
    COVERAGE,
    CURRENCY,
    DECLARED,
    FROM_OVERLAY,
    HAS_COUNTS,
    MAP_ID,
    PERIOD,
    RETURNS,
    SCORES,
    STAGES,
    TITLE,
    TOUCHPOINT,
    UNIT,
    UNMAPPED,
    VALUE,
    VALUE_PER_CONVERSION,
    touchpoints_in_order,
)
from journeymap.stats import ratio, wilson_interval

SMALL_SAMPLE = 30
"""Fewer completed departures than this at a leak: its drop-off is flagged as a small sample."""
ILL_CONDITIONED_STEPS = 1e4


@dataclass
class Analysis:
    """The result of :func:`analyze`: JSON-ready parts (numbers already rounded to 10
    significant digits, undefined figures None); :meth:`to_dict` assembles the document."""

    settings: dict[str, Any]
    summary: dict[str, Any]
    touchpoints: list[dict[str, Any]]
    stages: list[dict[str, Any]]
    leaks: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    after_goal: list[dict[str, Any]]
    metrics: dict[str, Any]
    surveys: dict[str, Any]
    conformance: dict[str, Any] | None
    warnings: list[dict[str, Any]]
    map: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The document ``journeymap analyze --format json`` prints (numbers rounded to 10
        significant digits, null for undefined figures)."""
        doc: dict[str, Any] = {
            "journeymap-analysis": 1,
            "map": self.map,
            "settings": self.settings,
            "summary": self.summary,
            "touchpoints": self.touchpoints,
            "stages": self.stages,
            "leaks": self.leaks,
            "edges": self.edges,
            "after_goal": self.after_goal,
            "metrics": self.metrics,
            "surveys": self.surveys,
            "conformance": self.conformance,
            "warnings": self.warnings,
        }
        return dict(clean(doc))

    def touchpoint(self, touchpoint_id: str) -> dict[str, Any]:
        """The ``touchpoints[]`` entry of one touchpoint."""
        for t in self.touchpoints:
            if t["id"] == touchpoint_id:
                return t
        raise KeyError(touchpoint_id)


class _Warnings:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, code: str, message: str, touchpoint: str | None = None,
            stage: str | None = None) -> None:
        self.items.append({"code": code, "touchpoint": touchpoint, "stage": stage,
                           "message": message})


def analyze(
    G: nx.DiGraph,
    *,
    goal: str | None = None,
    what_if: float = 0.10,
    what_if_target: Mapping[str, str] | None = None,
    samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    scenario: str | None = None,
    persona: str | None = None,
) -> Analysis:
    """Analyse a journey graph from :func:`journeymap.graph.build_graph`.

    Parameters
    ----------
    G : the journey graph.
    goal : one goal touchpoint to convert into (default: every goal).
    what_if : fraction of each leak's exits closed in the what-if (0.10 = 10%).
    what_if_target : ``{touchpoint: next touchpoint}``; those touchpoints' closed exits go
        along that one transition instead of pro rata.
    samples, seed : Dirichlet bootstrap draws (0 turns it off) and the generator's seed.
    confidence : level of every interval.
    scenario, persona : labels for ``settings`` (the graph is already built for them).

    Raises
    ------
    NonAbsorbingChainError : a closed loop with no outcome (names the touchpoints).

    Examples
    --------
    >>> from journeymap.model import JourneyMap
    >>> from journeymap.graph import build_graph
    >>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M",
    ...     "value_per_conversion": 50, "stages": [{"id": "s", "name": "S", "touchpoints": [
    ...     {"id": "cart", "name": "Cart", "entries": 100, "next": {"paid": 60}},
    ...     {"id": "paid", "name": "Paid", "goal": True}]}]})
    >>> a = analyze(build_graph(m), samples=0)
    >>> a.summary["conversion_probability"], a.leaks[0]["lost_conversions"], a.leaks[0]["lost_value"]
    (0.6, 40.0, 2000.0)
    """
    if not 0 < confidence < 1:
        raise UsageError("confidence lies strictly between 0 and 1")
    if not 0 <= what_if <= 1:
        raise UsageError(f"the what-if fraction {what_if} is not between 0 and 1",
                         hint="--what-if takes a percentage: 10 closes 10% of the exits")
    if samples < 0:
        raise UsageError("the number of bootstrap samples cannot be negative")
    warn = _Warnings()
    goals = selected_goals(G, goal)
    after = after_goal_touchpoints(G, goals)
    after_set, goal_set = set(after), set(goals)
    flows = flow_table(G, goals)
    chain = build_chain(G, goals, after)
    sol = solve_chain(chain, groups=_stage_groups(G, chain))
    targets = _targets(G, chain, what_if_target or {}, goal_set, after_set)
    has_counts = bool(G.graph.get(HAS_COUNTS, True))
    currency = G.graph.get(CURRENCY)
    period = G.graph.get(PERIOD)

    # ---- warnings about the whole map
    if not has_counts:
        warn.add("JM515", "the map has no counts (entries, transitions or exits): every figure "
                 "that needs them is null")
    if not goals:
        warn.add("JM501", "the map has no goal touchpoint, so conversion is undefined: flow and "
                 "drop-off are reported, conversion, removal effects and leak costs are null",)
    if sol.alpha is None and has_counts:
        warn.add("JM502", "no journey enters the chain (zero entries): conversion and expected "
                 "visits per entrant are null")
    C = sol.conversion if goals else None
    if goals and C is not None and C == 0:
        warn.add("JM505", "no conversions: conversion probability is 0, so removal effects "
                 "are null")
    if goals and chain.goal_values is None:
        missing = [g for g in goals if G.nodes[g].get(VALUE) is None]
        warn.add("JM514", f"no value per conversion for {', '.join(missing)}: lost value and "
                 "what-if value are null", touchpoint=missing[0])
    if sol.steps.size and float(sol.steps.max()) > ILL_CONDITIONED_STEPS:
        worst = chain.states[int(np.argmax(sol.steps))]
        warn.add("JM510", f"a nearly closed loop: from '{worst}' a journey visits "
                 f"{sol.steps.max():.0f} touchpoints on average before it ends; figures are "
                 "numerically fragile", touchpoint=worst)

    # ---- bootstrap
    draws = bootstrap(chain, samples, seed) if goals else None

    re = removal_effects(sol) if goals else None
    value_known = chain.goal_values is not None
    touchpoints = _touchpoints(G, flows, chain, sol, goals, after_set, re, confidence,
                                         warn)
    leaks = _leaks(G, flows, chain, sol, draws, re, goals, targets, what_if, confidence, warn)
    stages = _stages(G, flows, chain, sol, goals, after_set, confidence)
    edges = _edges(G, chain, sol, flows, goals, after_set)
    after_rows = [_after_row(flows[t], confidence) for t in after]
    surveys = _surveys(G, confidence, warn)
    for leak in leaks:
        leak["survey"] = surveys.get(leak["touchpoint"], {})

    # ---- summary
    conversions_by_goal = {g: int(chain.conversions[:, k].sum()) for k, g in enumerate(goals)}
    conv_int = interval(draws.conversion, confidence) if draws is not None else None
    lost_total = sum(lk["lost_conversions"] or 0.0 for lk in leaks) if goals else None
    lost_value_total = (sum(lk["lost_value"] or 0.0 for lk in leaks)
                        if goals and value_known else None)
    declared_entries = sum(f.entries for f in flows.values())
    chain_entries = float(chain.entries.sum())
    reentries = sum(G.edges[u, v][COUNT] for u, v in G.edges
                    if v in chain.index and u not in chain.index)
    implied = sum(max(-flows[s].residual, 0) for s in chain.states)
    residuals = [f.relative_residual for f in flows.values() if f.relative_residual is not None]
    in_progress = sum(flows[s].in_progress for s in chain.states)
    if in_progress:
        warn.add("JM516", f"{in_progress:,} journeys are still in progress: they are censored "
                 "(left out of the chain's probabilities, never counted as leaks)")
    unknown_total = float(chain.unknown.sum())
    if unknown_total and goals:
        warn.add("JM511", f"{unknown_total:,.0f} departures have an unknown outcome (declared "
                 "unknown or unobserved outflow): they are their own outcome, neither lost nor "
                 "converted (summary.unknown_probability)")
    if float(chain.after.sum()) > 0:
        srcs = [chain.states[i] for i in np.flatnonzero(chain.after > 0)]
        warn.add("JM517", f"{chain.after.sum():,.0f} transitions go from the conversion chain "
                 "straight to after-goal touchpoints (from " + ", ".join(srcs[:5]) + "): they "
                 "cannot convert any more", touchpoint=srcs[0])
    for g in goals:
        if G.nodes[g]["entries"]:
            warn.add("JM513", f"goal '{g}' has {G.nodes[g]['entries']:,} entries: journeys that "
                     "start at a goal are not conversions of the chain", touchpoint=g)
    summary: dict[str, Any] = {
        "entries": chain_entries,
        "entries_declared": declared_entries,
        "reentries": reentries,
        "implied_entries": implied,
        "conversions": int(chain.conversions.sum()),
        "conversions_by_goal": conversions_by_goal,
        "exits": int(chain.exits.sum()),
        "exits_after_goal": sum(flows[t].exits for t in after),
        "unknown": unknown_total,
        "in_progress": in_progress,
        "observed_conversion_rate": ratio(float(chain.conversions.sum()), chain_entries)
        if goals else None,
        "conversion_probability": C,
        "conversion_probability_interval": conv_int,
        "conversion_probability_by_goal": (
            {g: float(sol.alpha @ sol.B[:, k]) for k, g in enumerate(goals)}
            if sol.alpha is not None else dict.fromkeys(goals)),
        "lost_probability": _dot(sol.alpha, sol.b_lost),
        "unknown_probability": _dot(sol.alpha, sol.b_unknown),
        "after_goal_probability": _dot(sol.alpha, sol.b_after),
        "expected_touchpoints": _dot(sol.alpha, sol.steps),
        "expected_touchpoints_converting": (
            ratio(float(sol.alpha @ sol.steps_converting), C)
            if sol.alpha is not None and C else None),
        "total_lost_conversions": lost_total,
        "total_lost_value": lost_value_total,
        "total_lost_note": "first-order: the sum of each leak's expected lost conversions; "
                           "leaks interact, so closing all at once gains a different amount",
        "flow_residual_max": max(residuals) if residuals else None,
        "touchpoints": len(flows),
        "chain_touchpoints": chain.n,
        "goals": goals,
        "leaks": len(leaks),
        "top_leak": leaks[0]["touchpoint"] if leaks else None,
    }
    if not goals:
        for key in ("conversion_probability_by_goal", "lost_probability", "unknown_probability",
                    "after_goal_probability"):
            summary[key] = None if key != "conversion_probability_by_goal" else {}
    settings = {
        "unit": G.graph.get(UNIT, "transitions"),
        "period": period,
        "currency": currency,
        "value_per_conversion": G.graph.get(VALUE_PER_CONVERSION),
        "confidence": confidence,
        "samples": samples,
        "seed": seed,
        "goal": goal,
        "goals": goals,
        "scenario": scenario,
        "persona": persona,
        "what_if": {"percent": 100 * what_if,
                    "targets": dict(sorted((what_if_target or {}).items()))},
        "data": "overlay" if G.graph.get(FROM_OVERLAY) else "map",
    }
    conformance = _conformance(G, flows, warn) if G.graph.get(FROM_OVERLAY) else None
    metrics = business_metrics(G, flows, summary)
    for w in business_warnings(G):
        warn.add(w.code, w.message, touchpoint=w.touchpoint)
    return Analysis(
        map=clean({"id": G.graph.get(MAP_ID), "title": G.graph.get(TITLE),
                   "stages": [s for s, _ in G.graph.get(STAGES, [])]}),
        settings=clean(settings), summary=clean(summary), touchpoints=clean(touchpoints),
        stages=clean(stages), leaks=clean(leaks), edges=clean(edges),
        after_goal=clean(after_rows), metrics=clean(metrics), surveys=clean(surveys),
        conformance=clean(conformance), warnings=clean(warn.items))


# ------------------------------------------------------------------------------ helpers


def _dot(alpha: np.ndarray | None, x: np.ndarray) -> float | None:
    return None if alpha is None else float(alpha @ x)


def _interval(t: tuple[float, float] | None) -> list[float] | None:
    return None if t is None else [t[0], t[1]]


def _stage_groups(G: nx.DiGraph, chain: Chain) -> list[list[int]]:
    by_stage: dict[str, list[int]] = {sid: [] for sid, _ in G.graph.get(STAGES, [])}
    for s, i in chain.index.items():
        by_stage.setdefault(G.nodes[s]["stage"], []).append(i)
    return [by_stage[sid] for sid, _ in G.graph.get(STAGES, [])]


def _targets(G: nx.DiGraph, chain: Chain, targets: Mapping[str, str], goal_set: set[str],
             after_set: set[str]) -> dict[str, str]:
    for src, dst in targets.items():
        if src not in G:
            raise UsageError(f"what-if target: the map has no touchpoint '{src}'",
                             hint=did_you_mean(src, list(G.nodes)))
        if src not in chain.index:
            raise UsageError(f"what-if target: '{src}' is not in the conversion chain "
                             "(it is a goal or an after-goal touchpoint)")
        succ = sorted(G.successors(src))
        if dst not in succ:
            raise UsageError(f"what-if target: '{dst}' is not a next touchpoint of '{src}'",
                             hint=did_you_mean(dst, succ) or
                             f"next touchpoints of '{src}': {', '.join(succ) or 'none'}")
    return dict(targets)


def _touchpoints(G: nx.DiGraph, flows: dict[str, Flow], chain: Chain, sol: Solution,
                 goals: list[str], after_set: set[str], re: np.ndarray | None,
                 confidence: float, warn: _Warnings) -> list[dict[str, Any]]:
    C = sol.conversion if goals else None
    reach = sol.reach
    rows: list[dict[str, Any]] = []
    for tid, f in flows.items():
        m = f.departures
        dinterval = f.drop_off_interval(confidence)
        row: dict[str, Any] = {
            "id": tid, "name": f.name, "stage": f.stage,
            "formerly": list(getattr(G.nodes[tid].get(TOUCHPOINT), "formerly", [])),
            "goal": tid in goals, "after_goal": tid in after_set,
            "entries": f.entries, "visits": f.visits, "customers": f.customers,
            "departures": m, "transitions_out": f.transitions_out, "conversions": f.conversions,
            "exits": f.exits, "unknown": f.unknown, "in_progress": f.in_progress,
            "flow_residual": f.residual, "flow_residual_relative": f.relative_residual,
            "drop_off": None if tid in goals else f.drop_off(),
            "drop_off_interval": None if tid in goals else _interval(dinterval),
            "customer_drop_off": (ratio(f.exits, f.customers) if f.customers else None),
            "conversion_probability": None, "expected_visits": None, "reach_probability": None,
            "removal_effect": None, "expected_touchpoints": None,
            "expected_touchpoints_converting": None,
        }
        if f.relative_residual is not None and f.relative_residual > RESIDUAL_TOLERANCE:
            kind = ("more arrive than leave: the difference counts as unknown departures"
                    if f.residual > 0 else
                    "more leave than arrive: the difference counts as implied entries")
            warn.add("JM503", f"flow at '{tid}' does not add up: {f.visits:,} visits vs "
                     f"{f.visits - f.residual:,} departures ({100 * f.relative_residual:.1f}%); "
                     f"{kind}", touchpoint=tid)
        if m == 0 and f.visits > 0 and tid not in goals:
            warn.add("JM509", f"'{tid}' has {f.visits:,} visits but no completed departure: "
                     "its drop-off is null", touchpoint=tid)
        if tid in chain.index:
            i = chain.index[tid]
            if goals:
                row["conversion_probability"] = float(sol.b[i])
                bi = float(sol.b[i])
                row["expected_touchpoints_converting"] = (
                    float(sol.steps_converting[i]) / bi if bi > 0 else None)
            row["expected_touchpoints"] = float(sol.steps[i])
            if sol.v is not None and reach is not None:
                row["expected_visits"] = float(sol.v[i])
                row["reach_probability"] = float(reach[i])
            if re is not None:
                row["removal_effect"] = float(re[i])
        elif tid in goals and sol.alpha is not None:
            k = goals.index(tid)
            cg = float(sol.alpha @ sol.B[:, k])
            row["conversion_probability"] = 1.0
            row["expected_visits"] = cg
            row["reach_probability"] = cg
            row["removal_effect"] = ratio(cg, C) if C else None
            row["expected_touchpoints"] = 0.0
        rows.append(row)
    return rows


def _leaks(G: nx.DiGraph, flows: dict[str, Flow], chain: Chain, sol: Solution,
           draws: Any, re: np.ndarray | None, goals: list[str], targets: dict[str, str],
           what_if: float, confidence: float, warn: _Warnings) -> list[dict[str, Any]]:
    s = sol.P.continuing
    values = chain.goal_values
    candidates = [i for i, t in enumerate(chain.states) if flows[t].exits > 0]
    order = {t: i for i, t in enumerate(flows)}
    rows: list[dict[str, Any]] = []
    ptop = (probability_top(draws.lost_value if draws.lost_value is not None else draws.lost,
                            np.asarray(candidates, dtype=np.int64))
            if draws is not None and candidates else None)
    for pos, i in enumerate(candidates):
        tid = chain.states[i]
        f = flows[tid]
        lost: float | None = None
        lost_value: float | None = None
        if goals and s[i] > 0:
            lost = f.exits * float(sol.b[i]) / float(s[i])
            if sol.b_value is not None:
                lost_value = f.exits * float(sol.b_value[i]) / float(s[i])
        elif goals:
            warn.add("JM504", f"every completed departure from '{tid}' is an exit: nothing "
                     "continues, so its lost conversions and what-if are null", touchpoint=tid)
        if 0 < f.departures < SMALL_SAMPLE:
            warn.add("JM508", f"'{tid}' has only {f.departures} completed departures: its "
                     "drop-off interval is wide", touchpoint=tid)
        wi = _what_if(G, chain, sol, i, what_if, targets.get(tid), goals) if goals else None
        lost_int = lost_val_int = None
        if draws is not None and lost is not None:
            lost_int = interval(draws.lost[:, i], confidence)
            if draws.lost_value is not None and lost_value is not None:
                lost_val_int = interval(draws.lost_value[:, i], confidence)
        rows.append({
            "touchpoint": tid, "name": f.name, "stage": f.stage,
            "exits": f.exits, "departures": f.departures, "drop_off": f.drop_off(),
            "drop_off_interval": _interval(f.drop_off_interval(confidence)),
            "small_sample": f.departures < SMALL_SAMPLE,
            "conversion_probability": float(sol.b[i]) if goals else None,
            "lost_conversions": lost,
            "lost_conversions_interval": _interval(lost_int),
            "lost_value": lost_value,
            "lost_value_interval": _interval(lost_val_int),
            "what_if": {
                "percent": 100 * what_if,
                "target": targets.get(tid),
                "extra_conversions": None if wi is None else wi[0],
                "extra_value": None if wi is None else wi[1],
                "first_order_conversions": None if lost is None else what_if * lost,
            },
            "removal_effect": None if re is None else float(re[i]),
            "probability_top": None if ptop is None else float(ptop[pos]),
            "best_next": _best_next(G, chain, sol, tid, goals, order) if goals else None,
            "survey": {},
        })
    if goals:
        key = "lost_value" if values is not None else "lost_conversions"
        rows.sort(key=lambda r: (r[key] is None, -(r[key] or 0.0), -r["exits"]))
    else:
        rows.sort(key=lambda r: -r["exits"])
    for rank, r in enumerate(rows, 1):
        r["rank"] = rank
    return [{"rank": r.pop("rank"), **r} for r in rows]


def _what_if(G: nx.DiGraph, chain: Chain, sol: Solution, i: int, fraction: float,
             target: str | None, goals: list[str]) -> tuple[float, float | None] | None:
    total = sol.total_entries
    values = chain.goal_values
    if target is None:
        dc = what_if_pro_rata(sol, i, fraction)
        if dc is None:
            return None
        dv = (what_if_pro_rata(sol, i, fraction, sol.b_value)
              if sol.b_value is not None else None)
    else:
        if target in chain.index:
            j = chain.index[target]
            dc = what_if_edge(sol, i, fraction, j)
            dv = (what_if_edge(sol, i, fraction, j, weights=sol.b_value)
                  if sol.b_value is not None else None)
        elif target in goals:
            k = goals.index(target)
            dc = what_if_edge(sol, i, fraction, None, goal=k)
            dv = (what_if_edge(sol, i, fraction, None, goal=k, goal_weight=float(values[k]))
                  if values is not None else None)
        else:  # after-goal touchpoint: can no longer convert
            dc, dv = 0.0, (0.0 if values is not None else None)
        if dc is None:
            return None
    return dc * total, (None if dv is None else dv * total)


def _best_next(G: nx.DiGraph, chain: Chain, sol: Solution, tid: str,
               goals: list[str], order: dict[str, int]) -> dict[str, Any] | None:
    best: tuple[float, int, str] | None = None
    for succ in G.successors(tid):
        if not G.edges[tid, succ].get(DECLARED, True) or succ == tid:
            continue
        if succ in chain.index:
            b = float(sol.b[chain.index[succ]])
        elif succ in goals:
            b = 1.0
        else:
            b = 0.0
        cand = (-b, order[succ], succ)
        if best is None or cand < best:
            best = cand
    if best is None:
        return None
    return {"touchpoint": best[2], "name": G.nodes[best[2]]["name"],
            "conversion_probability": -best[0]}


def _stages(G: nx.DiGraph, flows: dict[str, Flow], chain: Chain, sol: Solution,
            goals: list[str], after_set: set[str], confidence: float) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    members_by_stage: dict[str, list[str]] = {}
    for tid, f in flows.items():
        members_by_stage.setdefault(f.stage, []).append(tid)
    previous: dict[str, Any] | None = None
    previous_members: set[str] = set()
    for number, (sid, name) in enumerate(G.graph.get(STAGES, [])):
        members = members_by_stage.get(sid, [])
        chain_members = [chain.index[t] for t in members if t in chain.index]
        goal_members = [goals.index(t) for t in members if t in goals]
        all_after = bool(members) and all(t in after_set for t in members)
        reach: float | None = None
        conv_and_reach: float | None = None
        if (chain_members or goal_members) and goals is not None:
            reach, conv_and_reach = stage_reach(sol, chain, chain_members, goal_members,
                                                group=number)
        visits = sum(flows[t].visits for t in members)
        exits = sum(flows[t].exits for t in members)
        departures = sum(flows[t].departures for t in members)
        classic = (previous is not None and previous.get("reach_probability") is not None
                   and reach is not None and _entered_only_from(G, chain, members,
                                                                 previous_members))
        scores = merge_responses([G.nodes[t].get(SCORES) for t in members])
        row = {
            "id": sid, "name": name, "touchpoints": members, "after_goal": all_after,
            "entries": sum(flows[t].entries for t in members), "visits": visits,
            "exits": exits, "departures": departures,
            "drop_off": ratio(exits, departures),
            "drop_off_interval": _interval(
                wilson_interval(exits, departures, confidence=confidence)),
            "reach_probability": reach,
            "conversion_given_reach": (ratio(conv_and_reach, reach)
                                       if goals and reach and conv_and_reach is not None else None),
            "classic_funnel": classic,
            "conversion_from_previous": (ratio(reach, previous["reach_probability"])
                                         if classic and reach is not None and previous
                                         else None),
            "funnel_note": None if classic or previous is None else
            "customers can enter this stage without passing the previous one: read reach from "
            "entry, not a stage-to-stage ratio",
            "surveys": survey_metrics(scores, confidence),
        }
        if previous is None:
            row["funnel_note"] = None
        rows.append(row)
        if not all_after and members:
            previous = row
            previous_members = set(members)
    return rows


def _entered_only_from(G: nx.DiGraph, chain: Chain, members: list[str],
                       previous: set[str]) -> bool:
    inside = set(members)
    for t in members:
        if t in chain.index and chain.entries[chain.index[t]] > 0:
            return False
        if G.nodes[t]["entries"] > 0:
            return False
        for p in G.predecessors(t):
            if p not in inside and p not in previous:
                return False
    return True


def _edges(G: nx.DiGraph, chain: Chain, sol: Solution, flows: dict[str, Flow],
           goals: list[str], after_set: set[str]) -> list[dict[str, Any]]:
    order = {t: i for i, t in enumerate(touchpoints_in_order(G))}
    rows: list[dict[str, Any]] = []
    for u, v in sorted(G.edges, key=lambda e: (order[e[0]], order[e[1]])):
        d = G.edges[u, v]
        m = flows[u].departures
        kind = ("transition" if u in chain.index and v in chain.index else
                "conversion" if u in chain.index and v in goals else
                "to_after_goal" if u in chain.index else
                "reentry" if v in chain.index else "after_conversion")
        sens = sens_exits = None
        if u in chain.index and goals and sol.v is not None:
            i = chain.index[u]
            bj = (float(sol.b[chain.index[v]]) if v in chain.index else
                  1.0 if v in goals else 0.0)
            sens = float(sol.v[i]) * (bj - float(sol.b[i]))
            sens_exits = float(sol.v[i]) * bj
        rows.append({"from": u, "to": v, "count": d[COUNT], "count_known": d.get("count_known", True),
                     "probability": ratio(d[COUNT], m), "kind": kind,
                     "sensitivity": sens, "sensitivity_from_exits": sens_exits,
                     "declared": bool(d.get(DECLARED, True)), "returns": d.get(RETURNS, 0)})
    return rows


def _after_row(f: Flow, confidence: float) -> dict[str, Any]:
    return {"id": f.id, "name": f.name, "stage": f.stage, "visits": f.visits,
            "departures": f.departures, "exits": f.exits, "drop_off": f.drop_off(),
            "drop_off_interval": _interval(f.drop_off_interval(confidence)),
            "transitions_out": f.transitions_out, "customers": f.customers}


def _surveys(G: nx.DiGraph, confidence: float, warn: _Warnings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tid in touchpoints_in_order(G):
        scores = G.nodes[tid].get(SCORES)
        if scores is None:
            continue
        for metric, problem in survey_problems(scores):
            if problem == "scale":
                warn.add("JM507", f"{metric.upper()} of '{tid}' is declared on "
                         f"{list(getattr(scores, metric).scale)}: NPS is defined on 0-10 only, "
                         "so it is omitted", touchpoint=tid)
            else:
                warn.add("JM506", f"the {metric.upper()} survey of '{tid}' has no responses: "
                         "its figures are null", touchpoint=tid)
        metrics = survey_metrics(scores, confidence)
        if metrics:
            out[tid] = metrics
    return out


def _conformance(G: nx.DiGraph, flows: dict[str, Flow], warn: _Warnings) -> dict[str, Any]:
    order = {t: i for i, t in enumerate(touchpoints_in_order(G))}
    edges = sorted(G.edges, key=lambda e: (order[e[0]], order[e[1]]))
    undeclared = [{"from": u, "to": v, "count": G.edges[u, v][COUNT]} for u, v in edges
                  if not G.edges[u, v].get(DECLARED, True)]
    unused = [{"from": u, "to": v} for u, v in edges
              if G.edges[u, v].get(DECLARED, True) and not G.edges[u, v][COUNT]]
    flow_total = sum(G.edges[e][COUNT] for e in edges)
    undeclared_flow = sum(e["count"] for e in undeclared)
    unused_tp = [t for t, f in flows.items() if f.visits == 0]
    for e in undeclared:
        warn.add("JM512", f"{e['count']:,} transitions go from '{e['from']}' to '{e['to']}', "
                 "which the map does not declare", touchpoint=e["from"])
    coverage = G.graph.get(COVERAGE)
    declared_edges = sum(1 for e in edges if G.edges[e].get(DECLARED, True))
    return {
        "coverage": coverage,
        "unmapped": dict(sorted(G.graph.get(UNMAPPED, {}).items())),
        "undeclared_transitions": undeclared,
        "undeclared_share": ratio(undeclared_flow, flow_total),
        "unused_transitions": unused,
        "unused_touchpoints": unused_tp,
        "declared_transitions_used": ratio(declared_edges - len(unused), declared_edges),
        "touchpoints_used": ratio(len(flows) - len(unused_tp), len(flows)),
    }

