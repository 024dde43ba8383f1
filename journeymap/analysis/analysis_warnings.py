"""The coded JM5xx warnings of :func:`~journeymap.analysis.core.analyze`, computed from the run.

One function per part of the document, in its order: the map (no counts, no goal, no entries,
no conversions, no value, a nearly closed loop), the touchpoints (flow that does not add up,
no completed departure), the leaks, the surveys, the chain (journeys in progress, unknown
outcomes, after-goal transitions, entries at a goal), then the undeclared transitions of an
overlay and the business warnings (:mod:`~journeymap.analysis.business_warnings`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from journeymap.analysis.business_warnings import business_warnings
from journeymap.analysis.flow import RESIDUAL_TOLERANCE
from journeymap.analysis.leaks import SMALL_SAMPLE, leak_candidates
from journeymap.analysis.run import Run
from journeymap.analysis.surveys import survey_problems
from journeymap.analysis.warning_text import AnalysisWarning
from journeymap.findings import Number, Text, text
from journeymap.graph import COUNT, DECLARED, HAS_COUNTS, SCORES, VALUE

__all__ = ["ILL_CONDITIONED_STEPS", "warnings"]

ILL_CONDITIONED_STEPS = 1e4
"""More expected touchpoints than this from a chain state: the loop is nearly closed (JM510)."""


def warnings(run: Run, *, overlay: bool) -> Iterator[AnalysisWarning]:
    """Every JM5xx warning, in the order of the document's sections."""
    yield from _map_warnings(run)
    yield from _touchpoint_warnings(run)
    yield from _leak_warnings(run)
    yield from _survey_warnings(run)
    yield from _chain_warnings(run)
    if overlay:
        for u, v in run.edges_in_order():
            if not run.G.edges[u, v].get(DECLARED, True):
                n = run.G.edges[u, v][COUNT]
                yield _warn(
                    "JM512",
                    text(
                        "{n} transition goes from '{source}' to '{target}', which the map "
                        "does not declare",
                        plural="{n} transitions go from '{source}' to '{target}', which the map "
                        "does not declare",
                        count=int(n),
                        n=Number(n),
                        source=u,
                        target=v,
                    ),
                    u,
                )
    for w in business_warnings(run.G):
        yield _warn(w.code, w.text, w.touchpoint)


def _warn(code: str, sentence: Text, touchpoint: str | None = None) -> AnalysisWarning:
    """A warning whose message is the English form of ``sentence``."""
    return AnalysisWarning(code, touchpoint, None, sentence.format(), sentence)


def _map_warnings(run: Run) -> Iterator[AnalysisWarning]:
    G, sol, chain, goals = run.G, run.sol, run.chain, run.goals
    has_counts = bool(G.graph.get(HAS_COUNTS, True))
    if not has_counts:
        yield _warn(
            "JM515",
            text(
                "the map has no counts (entries, transitions or exits): every "
                "figure that needs them is null"
            ),
        )
    if not goals:
        yield _warn(
            "JM501",
            text(
                "the map has no goal touchpoint, so conversion is undefined: flow "
                "and drop-off are reported, conversion, removal effects and leak costs are "
                "null"
            ),
        )
    if sol.alpha is None and has_counts:
        yield _warn(
            "JM502",
            text(
                "no journey enters the chain (zero entries): conversion and "
                "expected visits per entrant are null"
            ),
        )
    if goals and run.conversion is not None and run.conversion == 0:
        yield _warn(
            "JM505",
            text("no conversions: conversion probability is 0, so removal effects are null"),
        )
    if goals and chain.goal_values is None:
        missing = [goal for goal in goals if G.nodes[goal].get(VALUE) is None]
        yield _warn(
            "JM514",
            text(
                "no value per conversion for {goals}: lost value and what-if value are null",
                goals=", ".join(missing),
            ),
            missing[0],
        )
    if sol.steps.size and float(sol.steps.max()) > ILL_CONDITIONED_STEPS:
        worst = chain.states[int(np.argmax(sol.steps))]
        yield _warn(
            "JM510",
            text(
                "a nearly closed loop: from '{tid}' a journey visits {n} touchpoints on "
                "average before it ends; figures are numerically fragile",
                tid=worst,
                n=Number(float(sol.steps.max()), ".0f"),
            ),
            worst,
        )


def _touchpoint_warnings(run: Run) -> Iterator[AnalysisWarning]:
    for tid, f in run.flows.items():
        if f.relative_residual is not None and f.relative_residual > RESIDUAL_TOLERANCE:
            kind = (
                text("more arrive than leave: the difference counts as unknown departures")
                if f.residual > 0
                else text("more leave than arrive: the difference counts as implied entries")
            )
            yield _warn(
                "JM503",
                text(
                    "flow at '{tid}' does not add up: {visits} visits vs {departures} "
                    "departures ({share}); {kind}",
                    tid=tid,
                    visits=Number(f.visits),
                    departures=Number(f.visits - f.residual),
                    share=Number(f.relative_residual, ".1%"),
                    kind=kind,
                ),
                tid,
            )
        if f.departures == 0 and f.visits > 0 and tid not in run.goals:
            yield _warn(
                "JM509",
                text(
                    "'{tid}' has {n} visit but no completed departure: its drop-off is null",
                    plural="'{tid}' has {n} visits but no completed departure: its drop-off "
                    "is null",
                    count=int(f.visits),
                    tid=tid,
                    n=Number(f.visits),
                ),
                tid,
            )


def _leak_warnings(run: Run) -> Iterator[AnalysisWarning]:
    s = run.sol.P.continuing
    for i in leak_candidates(run):
        tid = run.chain.states[i]
        f = run.flows[tid]
        if run.goals and not s[i] > 0:
            yield _warn(
                "JM504",
                text(
                    "every completed departure from '{tid}' is an exit: nothing "
                    "continues, so its lost conversions and what-if are null",
                    tid=tid,
                ),
                tid,
            )
        if 0 < f.departures < SMALL_SAMPLE:
            yield _warn(
                "JM508",
                text(
                    "'{tid}' has only {n} completed departure: its drop-off interval is wide",
                    plural="'{tid}' has only {n} completed departures: its drop-off interval "
                    "is wide",
                    count=int(f.departures),
                    tid=tid,
                    n=Number(f.departures, ""),
                ),
                tid,
            )


def _survey_warnings(run: Run) -> Iterator[AnalysisWarning]:
    for tid in run.order:
        scores = run.G.nodes[tid].get(SCORES)
        for metric, problem in survey_problems(scores):
            if problem == "scale":
                yield _warn(
                    "JM507",
                    text(
                        "{metric} of '{tid}' is declared on {scale}: NPS is defined on 0-10 "
                        "only, so it is omitted",
                        metric=metric.upper(),
                        tid=tid,
                        scale=str(list(getattr(scores, metric).scale)),
                    ),
                    tid,
                )
            else:
                yield _warn(
                    "JM506",
                    text(
                        "the {metric} survey of '{tid}' has no responses: its figures are null",
                        metric=metric.upper(),
                        tid=tid,
                    ),
                    tid,
                )


def _chain_warnings(run: Run) -> Iterator[AnalysisWarning]:
    chain, flows = run.chain, run.flows
    in_progress = sum(flows[s].in_progress for s in chain.states)
    if in_progress:
        yield _warn(
            "JM516",
            text(
                "{n} journey is still in progress: it is censored (left out of the chain's "
                "probabilities, never counted as a leak)",
                plural="{n} journeys are still in progress: they are censored (left out of "
                "the chain's probabilities, never counted as leaks)",
                count=int(in_progress),
                n=Number(in_progress),
            ),
        )
    unknown_total = float(chain.unknown.sum())
    if unknown_total and run.goals:
        yield _warn(
            "JM511",
            text(
                "{n} departure has an unknown outcome (declared unknown or unobserved "
                "outflow): it is its own outcome, neither lost nor converted "
                "(summary.unknown_probability)",
                plural="{n} departures have an unknown outcome (declared unknown or unobserved "
                "outflow): they are their own outcome, neither lost nor converted "
                "(summary.unknown_probability)",
                count=round(unknown_total),
                n=Number(unknown_total, ",.0f"),
            ),
        )
    yield from _after_goal_warnings(run)


def _after_goal_warnings(run: Run) -> Iterator[AnalysisWarning]:
    chain = run.chain
    after = float(chain.after.sum())
    if after > 0:
        srcs = [chain.states[i] for i in np.flatnonzero(chain.after > 0)]
        yield _warn(
            "JM517",
            text(
                "{n} transition goes from the conversion chain straight to after-goal "
                "touchpoints (from {sources}): it cannot convert any more",
                plural="{n} transitions go from the conversion chain straight to after-goal "
                "touchpoints (from {sources}): they cannot convert any more",
                count=round(after),
                n=Number(after, ",.0f"),
                sources=", ".join(srcs[:5]),
            ),
            srcs[0],
        )
    for goal in run.goals:
        entries = run.G.nodes[goal]["entries"]
        if entries:
            yield _warn(
                "JM513",
                text(
                    "goal '{goal}' has {n} entry: a journey that starts at a goal is not a "
                    "conversion of the chain",
                    plural="goal '{goal}' has {n} entries: journeys that start at a goal are "
                    "not conversions of the chain",
                    count=int(entries),
                    goal=goal,
                    n=Number(entries),
                ),
                goal,
            )
