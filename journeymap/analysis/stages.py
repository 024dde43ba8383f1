"""The ``stages[]`` rows: the stage funnel.

Each stage's reach from entry and conversion given reach come from one solve of the chain
(:func:`~journeymap.analysis.chain.stage_reaches`); the classic stage-to-stage ratio is
reported only where a stage can be entered through the one before alone
(``docs/analysis.md`` section 5).
"""

from __future__ import annotations

from collections.abc import Iterator

from journeymap.analysis.chain import stage_reaches
from journeymap.analysis.results import StageFigures
from journeymap.analysis.run import Run
from journeymap.analysis.surveys import merge_responses, survey_metrics
from journeymap.graph import SCORES, STAGES
from journeymap.stats import ratio, wilson_interval

__all__ = ["stage_funnel"]


def stage_funnel(run: Run) -> Iterator[StageFigures]:
    """The ``stages[]`` rows: reach from entry, conversion given reach, the classic ratio where
    a stage can be entered only through the one before (``docs/analysis.md`` section 5)."""
    members_by_stage: dict[str, list[str]] = {}
    for tid, f in run.flows.items():
        members_by_stage.setdefault(f.stage, []).append(tid)
    stages = list(run.G.graph.get(STAGES, []))
    reaches = _stage_reaches(run, [members_by_stage.get(sid, []) for sid, _ in stages])
    previous: tuple[float | None, set[str]] | None = None  # reach and members of the last stage
    for number, (sid, name) in enumerate(stages):
        members = members_by_stage.get(sid, [])
        row = _stage(run, sid, name, members, previous, reaches[number])
        yield row
        if not row.after_goal and members:
            previous = (row.reach_probability, set(members))


def _stage_reaches(run: Run, members: list[list[str]]) -> list[tuple[float | None, float | None]]:
    """Reach, and reach and convert, of every stage (stage number = its group), in one solve."""
    chain, goals = run.chain, run.goals
    sets = [
        (
            [chain.index[t] for t in m if t in chain.index],
            [goals.index(t) for t in m if t in goals],
            number,
        )
        for number, m in enumerate(members)
    ]
    some = [i for i, (c, g, _) in enumerate(sets) if c or g]
    found = stage_reaches(run.sol, chain, [sets[i] for i in some])
    out: list[tuple[float | None, float | None]] = [(None, None)] * len(sets)
    for i, value in zip(some, found, strict=True):
        out[i] = value
    return out


def _stage(
    run: Run,
    sid: str,
    name: str,
    members: list[str],
    previous: tuple[float | None, set[str]] | None,
    reaches: tuple[float | None, float | None],
) -> StageFigures:
    flows, goals = run.flows, run.goals
    reach, conv_and_reach = reaches
    exits = sum(flows[t].exits for t in members)
    departures = sum(flows[t].departures for t in members)
    prev_reach = None if previous is None else previous[0]
    classic = (
        previous is not None
        and prev_reach is not None
        and reach is not None
        and _entered_only_from(run, members, previous[1])
    )
    return StageFigures(
        id=sid,
        name=name,
        touchpoints=tuple(members),
        after_goal=bool(members) and all(t in run.after_set for t in members),
        entries=sum(flows[t].entries for t in members),
        visits=sum(flows[t].visits for t in members),
        exits=exits,
        departures=departures,
        drop_off=ratio(exits, departures),
        drop_off_interval=wilson_interval(exits, departures, confidence=run.options.confidence),
        reach_probability=reach,
        conversion_given_reach=(
            ratio(conv_and_reach, reach) if goals and reach and conv_and_reach is not None else None
        ),
        classic_funnel=classic,
        conversion_from_previous=(
            ratio(reach, prev_reach) if classic and reach is not None and prev_reach else None
        ),
        funnel_note=None
        if classic or previous is None
        else "customers can enter this stage without passing the previous one: read reach from "
        "entry, not a stage-to-stage ratio",
        surveys=survey_metrics(
            merge_responses([run.G.nodes[t].get(SCORES) for t in members]), run.options.confidence
        ),
    )


def _entered_only_from(run: Run, members: list[str], previous: set[str]) -> bool:
    inside = set(members)
    chain, G = run.chain, run.G
    for t in members:
        if t in chain.index and chain.entries[chain.index[t]] > 0:
            return False
        if G.nodes[t]["entries"] > 0:
            return False
        for p in G.predecessors(t):
            if p not in inside and p not in previous:
                return False
    return True
