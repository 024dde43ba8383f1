"""Scenarios: patches by id (remove, change, add) applied to the raw map before validation."""

from __future__ import annotations

import copy

from pydantic import ValidationError

from journeymap.errors import Diagnostic, MapError, UsageError, did_you_mean
from journeymap.io.rawtree import (
    _find_stage,
    _iter_raw_touchpoints,
    _known,
    _set,
    _sorted,
    _stage_ids,
)
from journeymap.io.shape import _diagnostics
from journeymap.io.yamlsafe import PosDict, PosList, locate
from journeymap.model import JourneyMap, Scenario
from journeymap.source import SourceText


def _apply_scenario(raw: PosDict, name: str, display: str, sources: SourceText) -> PosDict:
    scenarios = raw.get("scenarios")
    names = list(scenarios) if isinstance(scenarios, PosDict) else []
    if name not in names:
        raise UsageError(
            f"{display} has no scenario '{name}'",
            hint=did_you_mean(name, names) or _known("scenarios", names),
        )
    assert isinstance(scenarios, PosDict)
    patch_raw = scenarios[name]
    try:
        patch = Scenario.model_validate(patch_raw)
    except ValidationError as exc:
        raise MapError(
            _sorted(_diagnostics(exc, raw, JourneyMap, prefix=("scenarios", name))), sources
        ) from None
    out = copy.deepcopy(raw)
    diags: list[Diagnostic] = []
    known_stage = set(_stage_ids(out))
    _remove(out, raw, patch, name, diags)
    _replace(out, patch, patch_raw, name, diags)
    _add(out, patch, patch_raw, name, known_stage, diags)
    if diags:
        raise MapError(_sorted(diags), sources)
    # the result is a map of its own: other scenarios do not apply to it, nor the experiments
    # that test a scenario against the map as written, nor the map's opportunities
    out.pop("scenarios", None)
    out.pop("experiments", None)
    out.pop("opportunities", None)  # the portfolio is the map's as written
    return out


def _remove(
    out: PosDict, raw: PosDict, patch: Scenario, name: str, diags: list[Diagnostic]
) -> None:
    """Apply the scenario's ``remove``: stages (with their touchpoints) and touchpoints."""
    where = ("scenarios", name)
    known_tp = {tp.get("id") for *_, tp in _iter_raw_touchpoints(out)}
    known_stage = set(_stage_ids(out))
    removed = set(patch.remove)
    for i, rid in enumerate(patch.remove):
        if rid not in known_tp and rid not in known_stage:
            diags.append(
                Diagnostic(
                    f"scenario '{name}' removes unknown touchpoint or stage '{rid}'",
                    locate(raw, (*where, "remove", i)),
                    hint=did_you_mean(
                        rid, [str(k) for k in known_tp | known_stage if k is not None]
                    ),
                )
            )
    stages = out.get("stages")
    for stage in stages if isinstance(stages, PosList) else []:
        if isinstance(stage, PosDict) and stage.get("id") in removed:  # its touchpoints go too
            removed |= {
                str(tp.get("id"))
                for tp in stage.get("touchpoints") or []
                if isinstance(tp, PosDict)
            }
    if isinstance(stages, PosList):
        keep = [
            (s, p)
            for s, p in zip(stages, stages.item_pos, strict=False)
            if not (isinstance(s, PosDict) and s.get("id") in removed)
        ]
        stages[:] = [s for s, _ in keep]
        stages.item_pos = [p for _, p in keep]
    for _stage, tps, _j, _tp in list(_iter_raw_touchpoints(out)):
        keep2 = [
            (t, p)
            for t, p in zip(tps, tps.item_pos, strict=False)
            if not (isinstance(t, PosDict) and t.get("id") in removed)
        ]
        tps[:] = [t for t, _ in keep2]
        tps.item_pos = [p for _, p in keep2]
    _prune_removed(out, removed)


def _replace(
    out: PosDict, patch: Scenario, patch_raw: object, name: str, diags: list[Diagnostic]
) -> None:
    """Apply the scenario's ``touchpoints``: fields replaced whole, positions from the patch."""
    by_id = {tp.get("id"): tp for *_, tp in _iter_raw_touchpoints(out)}
    patches_raw = patch_raw.get("touchpoints") if isinstance(patch_raw, PosDict) else None
    for tid in patch.touchpoints:
        assert isinstance(patches_raw, PosDict)
        fields = patches_raw[tid]
        target = by_id.get(tid)
        if target is None:
            diags.append(
                Diagnostic(
                    f"scenario '{name}' changes unknown touchpoint '{tid}'",
                    patches_raw.key_pos[tid],
                    hint=did_you_mean(tid, [str(k) for k in by_id if k is not None]),
                )
            )
            continue
        if "id" in fields:
            diags.append(
                Diagnostic(
                    "a scenario cannot change a touchpoint's id; remove it and add a new one",
                    fields.key_pos["id"],
                )
            )
            continue
        for key, value in fields.items():
            target[key] = copy.deepcopy(value)
            target.key_pos[key] = fields.key_pos[key]
            target.val_pos[key] = fields.val_pos[key]


def _add(
    out: PosDict,
    patch: Scenario,
    patch_raw: object,
    name: str,
    known_stage: set[str],
    diags: list[Diagnostic],
) -> None:
    """Apply the scenario's ``add``: touchpoints appended to a stage."""
    adds_raw = patch_raw.get("add") if isinstance(patch_raw, PosDict) else None
    for stage_id in patch.add:
        assert isinstance(adds_raw, PosDict)
        stage = _find_stage(out, stage_id)
        if stage is None:
            diags.append(
                Diagnostic(
                    f"scenario '{name}' adds to unknown stage '{stage_id}'",
                    adds_raw.key_pos[stage_id],
                    hint=did_you_mean(stage_id, known_stage),
                )
            )
            continue
        items = adds_raw[stage_id]
        existing = stage.get("touchpoints")
        tps = existing if isinstance(existing, PosList) else PosList(pos=stage.pos)
        _set(stage, "touchpoints", tps)
        for item, p in zip(items, items.item_pos, strict=False):
            tps.append(copy.deepcopy(item))
            tps.item_pos.append(p)


def _prune_removed(out: PosDict, removed: set[str]) -> None:
    """Drop what names a removed touchpoint: transitions into it, its limits, its lint switches."""
    for *_, tp in _iter_raw_touchpoints(out):
        nxt = tp.get("next")
        if isinstance(nxt, PosDict):
            for rid in removed & set(nxt):
                del nxt[rid]
        elif isinstance(nxt, PosList):
            keep = [(t, p) for t, p in zip(nxt, nxt.item_pos, strict=False) if t not in removed]
            nxt[:] = [t for t, _ in keep]
            nxt.item_pos = [p for _, p in keep]
    checks = out.get("checks")
    if not isinstance(checks, PosDict):
        return
    for key in ("touchpoints", "stages"):
        limits = checks.get(key)
        if isinstance(limits, PosDict):
            for rid in removed & set(limits):
                del limits[rid]
    lint = checks.get("lint")
    disable = lint.get("disable") if isinstance(lint, PosDict) else None
    if isinstance(disable, PosList):
        keep2 = [
            (d, p)
            for d, p in zip(disable, disable.item_pos, strict=False)
            if not (
                isinstance(d, PosDict)
                and (d.get("touchpoint") in removed or d.get("stage") in removed)
            )
        ]
        disable[:] = [d for d, _ in keep2]
        disable.item_pos = [p for _, p in keep2]
