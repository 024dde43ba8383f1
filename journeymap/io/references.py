"""Pass 2: references. Every id a map names must exist; ids are unique."""

from __future__ import annotations

from typing import Any

from journeymap.errors import Diagnostic, did_you_mean
from journeymap.io.opportunity_refs import opportunity_references
from journeymap.io.rawtree import _iter_raw_touchpoints, _known, _unknown
from journeymap.io.shape import _path_text
from journeymap.io.yamlsafe import PosDict, PosList, locate
from journeymap.model import JourneyMap, Touchpoint
from journeymap.source import Position


def _check_references(jm: JourneyMap, raw: PosDict, *, applied: bool = False) -> list[Diagnostic]:
    """Every reference problem of a map, in the order a reader meets them (``applied``: the map
    is a scenario applied to the map as written, whose opportunities were checked there)."""
    diags, tp_ids = _duplicate_ids(jm, raw)
    persona_ids = [p.id for p in jm.personas]
    stage_ids = [s.id for s in jm.stages]
    diags += _claimed_twice(jm, raw)
    diags += _touchpoint_references(jm, raw, tp_ids, persona_ids)
    diags += _check_block_references(jm, raw, tp_ids, stage_ids)
    diags += _scenario_references(jm, raw, tp_ids, stage_ids)
    diags += _experiment_references(jm, raw, tp_ids)
    diags += opportunity_references(jm, raw, tp_ids, applied=applied)
    return diags


def _duplicate_ids(jm: JourneyMap, raw: PosDict) -> tuple[list[Diagnostic], list[str]]:
    """Stage, touchpoint and persona ids used twice; and the touchpoint ids in map order."""
    diags: list[Diagnostic] = []
    seen: dict[str, tuple[Any, ...]] = {}
    tp_ids: list[str] = []
    for i, stage in enumerate(jm.stages):
        sloc = ("stages", i)
        if stage.id in seen:
            diags.append(_dup("stage", stage.id, raw, sloc, seen[stage.id]))
        else:
            seen[stage.id] = sloc
        for j, tp in enumerate(stage.touchpoints):
            tloc = ("stages", i, "touchpoints", j)
            if tp.id in seen:
                diags.append(_dup("touchpoint", tp.id, raw, tloc, seen[tp.id]))
            else:
                seen[tp.id] = tloc
                tp_ids.append(tp.id)
    persona_ids: list[str] = []
    for k, persona in enumerate(jm.personas):
        if persona.id in persona_ids:
            diags.append(
                Diagnostic(
                    f"duplicate persona id '{persona.id}'",
                    locate(raw, ("personas", k, "id")),
                    hint="persona ids are unique",
                )
            )
        persona_ids.append(persona.id)
    return diags, tp_ids


def _touchpoint_references(
    jm: JourneyMap, raw: PosDict, tp_ids: list[str], persona_ids: list[str]
) -> list[Diagnostic]:
    """``next``, ``returns``, ``formerly`` and per-persona ``emotion`` of every touchpoint."""
    diags: list[Diagnostic] = []
    known = set(tp_ids)
    for i, stage in enumerate(jm.stages):
        for j, tp in enumerate(stage.touchpoints):
            tloc = ("stages", i, "touchpoints", j)
            for target in tp.transitions:
                if target not in known:
                    diags.append(
                        _unknown(
                            "touchpoint",
                            target,
                            raw,
                            (*tloc, "next", target),
                            tp_ids,
                            f"{_path_text(tloc)}.next",
                            key=isinstance(tp.next, dict),
                        )
                    )
            for target in tp.returns:
                if target not in known:
                    diags.append(
                        _unknown(
                            "touchpoint",
                            target,
                            raw,
                            (*tloc, "returns", target),
                            tp_ids,
                            f"{_path_text(tloc)}.returns",
                            key=True,
                        )
                    )
            for k, old in enumerate(tp.formerly):
                if old in known:
                    diags.append(
                        Diagnostic(
                            f"'formerly' names '{old}', which is a current touchpoint id",
                            locate(raw, (*tloc, "formerly", k)),
                            hint="'formerly' lists ids the touchpoint had before a rename",
                        )
                    )
            diags += _emotion_problems(jm, raw, tp, tloc, persona_ids)
    return diags


def _emotion_problems(
    jm: JourneyMap, raw: PosDict, tp: Touchpoint, tloc: tuple[Any, ...], persona_ids: list[str]
) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    lo, hi = jm.emotion_scale
    if isinstance(tp.emotion, dict):
        for pid, value in tp.emotion.items():
            if pid not in persona_ids:
                diags.append(
                    _unknown(
                        "persona",
                        pid,
                        raw,
                        (*tloc, "emotion", pid),
                        persona_ids,
                        f"{_path_text(tloc)}.emotion",
                        key=True,
                    )
                )
            if not lo <= value <= hi:
                diags.append(
                    Diagnostic(
                        f"emotion {value:g} lies outside the map's emotion_scale [{lo:g}, {hi:g}]",
                        locate(raw, (*tloc, "emotion", pid)),
                    )
                )
    elif tp.emotion is not None and not lo <= tp.emotion <= hi:
        diags.append(
            Diagnostic(
                f"emotion {tp.emotion:g} lies outside the map's emotion_scale [{lo:g}, {hi:g}]",
                locate(raw, (*tloc, "emotion")),
                hint="declare 'emotion_scale: [low, high]' at the top to use another scale",
            )
        )
    return diags


def _check_block_references(
    jm: JourneyMap, raw: PosDict, tp_ids: list[str], stage_ids: list[str]
) -> list[Diagnostic]:
    """Touchpoints and stages named under ``checks:``."""
    diags: list[Diagnostic] = []
    if jm.checks is None:
        return diags
    known = set(tp_ids)
    for tid in jm.checks.touchpoints:
        if tid not in known:
            diags.append(
                _unknown(
                    "touchpoint",
                    tid,
                    raw,
                    ("checks", "touchpoints", tid),
                    tp_ids,
                    "checks.touchpoints",
                    key=True,
                )
            )
        else:
            diags += _ces_limit(jm, tid, raw)
    for sid in jm.checks.stages:
        if sid not in stage_ids:
            diags.append(
                _unknown(
                    "stage",
                    sid,
                    raw,
                    ("checks", "stages", sid),
                    stage_ids,
                    "checks.stages",
                    key=True,
                )
            )
    for k, dis in enumerate(jm.checks.lint.disable if jm.checks.lint is not None else []):
        if dis.touchpoint is not None and dis.touchpoint not in known:
            diags.append(
                _unknown(
                    "touchpoint",
                    dis.touchpoint,
                    raw,
                    ("checks", "lint", "disable", k, "touchpoint"),
                    tp_ids,
                    "checks.lint.disable",
                )
            )
        if dis.stage is not None and dis.stage not in stage_ids:
            diags.append(
                _unknown(
                    "stage",
                    dis.stage,
                    raw,
                    ("checks", "lint", "disable", k, "stage"),
                    stage_ids,
                    "checks.lint.disable",
                )
            )
    return diags


def _scenario_references(
    jm: JourneyMap, raw: PosDict, tp_ids: list[str], stage_ids: list[str]
) -> list[Diagnostic]:
    """Touchpoints and stages that scenarios remove, patch or add to."""
    diags: list[Diagnostic] = []
    known = set(tp_ids)
    for sname, scen in jm.scenarios.items():
        for k, rid in enumerate(scen.remove):
            if rid not in known and rid not in stage_ids:
                diags.append(
                    _unknown(
                        "touchpoint or stage",
                        rid,
                        raw,
                        ("scenarios", sname, "remove", k),
                        tp_ids + stage_ids,
                        f"scenarios.{sname}.remove",
                    )
                )
        for tid in scen.touchpoints:
            if tid not in known:
                diags.append(
                    _unknown(
                        "touchpoint",
                        tid,
                        raw,
                        ("scenarios", sname, "touchpoints", tid),
                        tp_ids,
                        f"scenarios.{sname}.touchpoints",
                        key=True,
                    )
                )
        for sid in scen.add:
            if sid not in stage_ids:
                diags.append(
                    _unknown(
                        "stage",
                        sid,
                        raw,
                        ("scenarios", sname, "add", sid),
                        stage_ids,
                        f"scenarios.{sname}.add",
                        key=True,
                    )
                )
    return diags


def _experiment_references(jm: JourneyMap, raw: PosDict, tp_ids: list[str]) -> list[Diagnostic]:
    """Touchpoints and scenarios that experiments name; a conversion's touchpoint is a goal."""
    diags: list[Diagnostic] = []
    for k, exp in enumerate(jm.experiments):
        metrics = [("primary",), *(("guardrails", g) for g in range(len(exp.guardrails)))]
        for loc, metric in zip(metrics, [exp.primary, *exp.guardrails], strict=True):
            where = ("experiments", k, *loc, "touchpoint")
            if metric.touchpoint is not None and metric.touchpoint not in tp_ids:
                diags.append(
                    _unknown(
                        "touchpoint", metric.touchpoint, raw, where, tp_ids, f"experiments[{k}]"
                    )
                )
            elif (
                metric.metric == "conversion"
                and metric.touchpoint is not None
                and metric.touchpoint not in jm.goals
            ):
                diags.append(
                    Diagnostic(
                        f"'{metric.touchpoint}' is not a goal; conversion is measured at a goal",
                        locate(raw, where),
                        hint=_known("goals", jm.goals),
                    )
                )
        if exp.scenario is not None and exp.scenario not in jm.scenarios:
            diags.append(
                _unknown(
                    "scenario",
                    exp.scenario,
                    raw,
                    ("experiments", k, "scenario"),
                    list(jm.scenarios),
                    f"experiments[{k}]",
                )
            )
    return diags


def _claimed_twice(jm: JourneyMap, raw: PosDict) -> list[Diagnostic]:
    """An old id in the ``formerly`` of two touchpoints: a comparison could pair either."""
    diags: list[Diagnostic] = []
    claimed: dict[str, tuple[str, Position | None]] = {}
    for i, stage in enumerate(jm.stages):
        for j, tp in enumerate(stage.touchpoints):
            for k, old in enumerate(tp.formerly):
                pos = locate(raw, ("stages", i, "touchpoints", j, "formerly", k))
                if old not in claimed:
                    claimed[old] = (tp.id, pos)
                    continue
                first, first_pos = claimed[old]
                if first == tp.id:
                    continue
                where = f" at line {first_pos.line}" if first_pos else ""
                diags.append(
                    Diagnostic(
                        f"two touchpoints claim the old id '{old}': '{tp.id}' here and '{first}'{where}",
                        pos,
                        hint=f"an old id names the one touchpoint that replaced it; keep '{old}' "
                        "in the 'formerly' of one of them",
                    )
                )
    return diags


def _check_raw_references(raw: PosDict) -> list[Diagnostic]:
    """Duplicate ids and unknown transition targets, read from the raw tree.

    Used when the shape pass failed, so that one run reports every error of the file.
    """
    diags: list[Diagnostic] = []
    first: dict[str, Position | None] = {}
    for _stage, _tps, _j, tp in _iter_raw_touchpoints(raw):
        tid = tp.get("id")
        if not isinstance(tid, str):
            continue
        if tid in first:
            line = f" (first defined at line {first[tid].line})" if first[tid] else ""  # type: ignore[union-attr]
            diags.append(
                Diagnostic(
                    f"duplicate touchpoint id '{tid}'{line}",
                    tp.val_pos.get("id"),
                    hint="ids are unique across the map's stages and touchpoints",
                )
            )
        else:
            first[tid] = tp.val_pos.get("id")
    known = list(first)
    for _stage, _tps, _j, tp in _iter_raw_touchpoints(raw):
        nxt = tp.get("next")
        targets: list[tuple[Any, Position | None]] = []
        if isinstance(nxt, PosDict):
            targets = [(k, nxt.key_pos.get(k)) for k in nxt]
        elif isinstance(nxt, PosList):
            targets = list(zip(nxt, nxt.item_pos, strict=False))
        for target, pos in targets:
            if isinstance(target, str) and target not in first:
                diags.append(
                    Diagnostic(
                        f"unknown touchpoint '{target}' in the transitions of '{tp.get('id')}'",
                        pos,
                        hint=did_you_mean(target, known) or _known("touchpoints", known),
                    )
                )
    return diags


def _ces_limit(jm: JourneyMap, tid: str, raw: PosDict) -> list[Diagnostic]:
    assert jm.checks is not None
    limit = jm.checks.touchpoints[tid].ces
    tp = jm.touchpoints[tid]
    if limit is None or tp.scores is None or tp.scores.ces is None:
        return []
    higher = tp.scores.ces.direction.value == "higher_is_better"
    wrong = "max" if higher else "min"
    if getattr(limit, wrong) is not None:
        right = "min" if higher else "max"
        return [
            Diagnostic(
                f"the CES of '{tid}' is {tp.scores.ces.direction.value.replace('_', ' ')}, so its limit is '{right}', not '{wrong}'",
                locate(raw, ("checks", "touchpoints", tid, "ces", wrong), key=True),
            )
        ]
    return []


def _dup(
    kind: str, ident: str, raw: PosDict, loc: tuple[Any, ...], first: tuple[Any, ...]
) -> Diagnostic:
    first_pos = locate(raw, (*first, "id"))
    line = f" (first defined at line {first_pos.line})" if first_pos else ""
    return Diagnostic(
        f"duplicate {kind} id '{ident}'{line}",
        locate(raw, (*loc, "id")),
        hint="ids are unique across the map's stages and touchpoints",
    )
