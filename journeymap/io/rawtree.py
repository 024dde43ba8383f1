"""Helpers over the raw YAML tree (PosDict/PosList) shared by the loader passes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from journeymap.errors import Diagnostic, MapError, did_you_mean
from journeymap.io.files import read_bounded
from journeymap.io.yamlsafe import PosDict, PosList, locate, parse_yaml
from journeymap.source import Position, SourceText


def _set(d: PosDict, key: str, value: Any) -> None:
    d[key] = value
    d.key_pos.setdefault(key, getattr(value, "pos", d.pos))
    d.val_pos.setdefault(key, getattr(value, "pos", d.pos))


def _find_stage(raw: PosDict, stage_id: Any) -> PosDict | None:
    for stage in raw.get("stages") or []:
        if isinstance(stage, PosDict) and stage.get("id") == stage_id:
            return stage
    return None


def _stage_ids(raw: PosDict) -> list[str]:
    return [
        s["id"]
        for s in raw.get("stages") or []
        if isinstance(s, PosDict) and isinstance(s.get("id"), str)
    ]


def _iter_raw_touchpoints(raw: PosDict) -> Iterable[tuple[PosDict, PosList, int, PosDict]]:
    stages = raw.get("stages")
    if not isinstance(stages, PosList):
        return
    for stage in stages:
        if not isinstance(stage, PosDict):
            continue
        tps = stage.get("touchpoints")
        if not isinstance(tps, PosList):
            continue
        for j, tp in enumerate(tps):
            if isinstance(tp, PosDict):
                yield stage, tps, j, tp


def _known(what: str, names: list[str]) -> str | None:
    if not names:
        return f"the map declares no {what}"
    if len(names) <= 8:
        return f"known {what}: {', '.join(names)}"
    return None


def _unknown(
    kind: str,
    ident: str,
    raw: PosDict,
    loc: tuple[Any, ...],
    known: list[str],
    where: str,
    *,
    key: bool = False,
) -> Diagnostic:
    return Diagnostic(
        f"unknown {kind} '{ident}' in {where}",
        locate(raw, loc, key=key),
        hint=did_you_mean(ident, known) or _known(f"{kind}s", known),
    )


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.position is None, d.position or Position("", 0, 0)))


def _read_mapping(
    file: Path, display: str, sources: SourceText, *, what: str, text: bytes | None = None
) -> PosDict:
    data = read_bounded(file, display, what) if text is None else text
    doc = parse_yaml(data, display, sources)
    if not isinstance(doc, PosDict):
        kind = "a list" if isinstance(doc, PosList) else f"a single value ({doc!r})"
        raise MapError(
            [
                Diagnostic(
                    f"a {what} is a mapping of keys to values, but this file holds {kind}",
                    getattr(doc, "pos", Position(display, 1, 1)),
                    hint="start the file with 'journeymap: 1'"
                    if what == "map"
                    else "start the file with 'journeymap-data: 1'",
                )
            ],
            sources,
        )
    return doc
