"""Pass 2 for opportunities: ids unique across the map; ``addresses``, ``scenario`` and
``expected.transition.to`` name what the map declares (with positions and did-you-mean hints)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from journeymap.errors import Diagnostic
from journeymap.io.rawtree import _unknown
from journeymap.io.shape import _path_text
from journeymap.io.yamlsafe import PosDict, locate
from journeymap.model import JourneyMap, Opportunity


def located_opportunities(
    jm: JourneyMap,
) -> Iterator[tuple[Opportunity, tuple[Any, ...], str | None]]:
    """Every opportunity object with its raw path and the touchpoint it is written at."""
    for i, stage in enumerate(jm.stages):
        for j, tp in enumerate(stage.touchpoints):
            for k, o in enumerate(tp.opportunities):
                if isinstance(o, Opportunity):
                    yield o, ("stages", i, "touchpoints", j, "opportunities", k), tp.id
    for k, o in enumerate(jm.opportunities):
        yield o, ("opportunities", k), None


def opportunity_references(
    jm: JourneyMap, raw: PosDict, tp_ids: list[str], *, applied: bool = False
) -> list[Diagnostic]:
    """Every reference problem of the map's opportunities, in map order.

    In a map with a scenario applied (``applied``) only duplicate ids are problems: the
    scenario may remove an addressed touchpoint, and the applied map has no scenarios; the
    references were checked on the map as written, which the portfolio is priced from."""
    diags: list[Diagnostic] = []
    first: dict[str, tuple[Any, ...]] = {}
    known = set(tp_ids)
    scenarios = list(jm.scenarios)
    for o, loc, at in located_opportunities(jm):
        where = _path_text(loc)
        if o.id in first:
            first_pos = locate(raw, (*first[o.id], "id"))
            line = f" (first defined at line {first_pos.line})" if first_pos else ""
            diags.append(
                Diagnostic(
                    f"duplicate opportunity id '{o.id}'{line}",
                    locate(raw, (*loc, "id")),
                    hint="opportunity ids are unique across the map",
                )
            )
        else:
            first[o.id] = loc
        if applied:
            continue
        for m, tid in enumerate(o.addresses):
            if tid not in known:
                diags.append(
                    _unknown("touchpoint", tid, raw, (*loc, "addresses", m), tp_ids, where)
                )
        if o.scenario is not None and o.scenario not in jm.scenarios:
            diags.append(
                _unknown("scenario", o.scenario, raw, (*loc, "scenario"), scenarios, where)
            )
        if o.scenario is not None and o.expected is not None:
            diags.append(
                Diagnostic(
                    f"opportunity '{o.id}' names a scenario and an expected effect",
                    locate(raw, (*loc, "expected"), key=True),
                    hint="an opportunity is priced by its scenario or by its expected effect, "
                    "not both: keep one",
                )
            )
        if at is None and not o.addresses and o.scenario is None:
            diags.append(
                Diagnostic(
                    f"opportunity '{o.id}' addresses no touchpoint and names no scenario",
                    locate(raw, loc),
                    hint="add 'addresses: [touchpoint ids]' or 'scenario: <scenario id>', "
                    "or write it at the touchpoint it changes",
                )
            )
        diags += _transition_target(jm, raw, o, loc, at, tp_ids)
    return diags


def _transition_target(
    jm: JourneyMap,
    raw: PosDict,
    o: Opportunity,
    loc: tuple[Any, ...],
    at: str | None,
    tp_ids: list[str],
) -> list[Diagnostic]:
    """``expected.transition.to``: a touchpoint, and a declared next of every one addressed."""
    if o.expected is None or o.expected.transition is None:
        return []
    to = o.expected.transition.to
    where = (*loc, "expected", "transition", "to")
    if to not in tp_ids:
        return [_unknown("touchpoint", to, raw, where, tp_ids, _path_text(loc))]
    tps = jm.touchpoints
    addressed = o.addresses or ([at] if at is not None else [])
    for tid in addressed:
        if tid in tps and to not in tps[tid].transitions:
            nxt = list(tps[tid].transitions)
            return [
                Diagnostic(
                    f"'{to}' is not a next touchpoint of '{tid}', which opportunity '{o.id}' addresses",
                    locate(raw, where),
                    hint=f"next touchpoints of '{tid}': {', '.join(nxt) or 'none'}",
                )
            ]
    return []
