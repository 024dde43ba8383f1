"""``include:``: merge personas, stages and touchpoints from other files, safely.

Paths are relative, never absolute or ``~``, never lead outside the root (the nearest ancestor
folder holding ``.git``, else the map's folder), even through a symbolic link, and never loop.
An include is a regular file (not a FIFO or device, not a link that loops), and includes nest
at most :data:`MAX_INCLUDE_DEPTH` levels.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

from journeymap.errors import Diagnostic, MapError, did_you_mean
from journeymap.io.files import special_kind
from journeymap.io.rawtree import _find_stage, _read_mapping, _set, _stage_ids
from journeymap.io.yamlsafe import PosDict, PosList, locate
from journeymap.source import Position, SourceText

INCLUDE_KEYS = ("personas", "stages", "touchpoints", "include")
MAX_INCLUDE_DEPTH = 32
"""How deep includes may nest (a map including a file including a file ...): real maps use one
or two levels; the bound keeps a long chain a clear error instead of a RecursionError."""


def _include_root(file: Path) -> Path:
    start = file.resolve().parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _resolve_includes(
    raw: PosDict,
    file: Path,
    display: str,
    root: Path,
    sources: SourceText,
    files: list[Path],
    chain: list[Path],
) -> None:
    includes = raw.get("include")
    if includes is None:
        return
    if not isinstance(includes, PosList):
        raise MapError(
            [Diagnostic("'include' is a list of relative paths", locate(raw, ("include",)))],
            sources,
        )
    personas: list[tuple[Any, Position]] = []
    stages: list[tuple[Any, Position]] = []
    touchpoints: list[tuple[str, Any, Position]] = []
    for inc, pos in zip(includes, includes.item_pos, strict=False):
        if len(chain) > MAX_INCLUDE_DEPTH:
            raise MapError(
                [
                    Diagnostic(
                        f"includes nest deeper than {MAX_INCLUDE_DEPTH} levels",
                        pos,
                        hint="include the fragments from the map or one level below",
                    )
                ],
                sources,
            )
        target, inc_display, doc = _read_include(
            inc, pos, file, display, root, sources, files, chain
        )
        _resolve_includes(
            doc, target, inc_display, root, sources, files, [*chain, target.resolve()]
        )
        _collect(doc, sources, personas, stages, touchpoints)
    if personas:
        _merge_personas(raw, personas)
    if stages:
        _merge_stages(raw, stages)
    _merge_touchpoints(raw, touchpoints, sources)


def _read_include(
    inc: Any,
    pos: Position,
    file: Path,
    display: str,
    root: Path,
    sources: SourceText,
    files: list[Path],
    chain: list[Path],
) -> tuple[Path, str, PosDict]:
    """The included file (path, display name, document), added to ``files`` once read; refused
    if it loops or holds other keys."""
    target = _include_target(inc, file, root, pos, sources)
    if target.resolve() in chain:
        cycle = " -> ".join(str(p.name) for p in [*chain, target.resolve()])
        raise MapError(
            [
                Diagnostic(
                    f"include cycle: {cycle}",
                    pos,
                    hint="a file may not include itself, directly or through others",
                )
            ],
            sources,
        )
    inc_display = os.path.normpath(os.path.join(os.path.dirname(display), inc))
    doc = _read_mapping(target, inc_display, sources, what="included file")
    files.append(target)
    unknown = [k for k in doc if k not in INCLUDE_KEYS]
    if unknown:
        key = unknown[0]
        raise MapError(
            [
                Diagnostic(
                    f"unknown key '{key}' in an included file",
                    doc.key_pos[key],
                    hint=did_you_mean(str(key), list(INCLUDE_KEYS))
                    or "an included file holds personas, stages and touchpoints",
                )
            ],
            sources,
        )
    return target, inc_display, doc


def _collect(
    doc: PosDict,
    sources: SourceText,
    personas: list[tuple[Any, Position]],
    stages: list[tuple[Any, Position]],
    touchpoints: list[tuple[str, Any, Position]],
) -> None:
    """Add an included file's personas, stages and touchpoints (with positions) to the lists."""
    for key, sink in (("personas", personas), ("stages", stages)):
        items = doc.get(key)
        if items is None:
            continue
        if not isinstance(items, PosList):
            raise MapError([Diagnostic(f"'{key}' is a list", doc.val_pos[key])], sources)
        sink.extend(zip(items, items.item_pos, strict=False))
    tps = doc.get("touchpoints")
    if tps is not None:
        if not isinstance(tps, PosDict):
            raise MapError(
                [
                    Diagnostic(
                        "'touchpoints' in an included file maps a stage id to a list",
                        doc.val_pos["touchpoints"],
                    )
                ],
                sources,
            )
        for stage_id, items in tps.items():
            if isinstance(items, PosList):
                touchpoints.extend(
                    (stage_id, it, p) for it, p in zip(items, items.item_pos, strict=False)
                )


def _merge_personas(raw: PosDict, personas: list[tuple[Any, Position]]) -> None:
    """Included personas come first, then the map's own."""
    own = raw.get("personas")
    new = PosList(pos=getattr(own, "pos", raw.pos))
    for item, p in personas:
        new.append(item)
        new.item_pos.append(p)
    if isinstance(own, PosList):
        new.extend(own)
        new.item_pos.extend(own.item_pos)
    _set(raw, "personas", new)


def _merge_stages(raw: PosDict, merged: list[tuple[Any, Position]]) -> None:
    """An included stage replaces a placeholder stage (``- id: X`` only), else it is appended."""
    own = raw.get("stages")
    stages = own if isinstance(own, PosList) else PosList(pos=raw.pos)
    placed = set()
    for i, stage in enumerate(stages):
        if isinstance(stage, PosDict) and set(stage) == {"id"}:
            for item, p in merged:
                if isinstance(item, PosDict) and item.get("id") == stage["id"]:
                    stages[i] = item
                    stages.item_pos[i] = p
                    placed.add(id(item))
    for item, p in merged:
        if id(item) not in placed:
            stages.append(item)
            stages.item_pos.append(p)
    _set(raw, "stages", stages)


def _merge_touchpoints(
    raw: PosDict, merged: list[tuple[str, Any, Position]], sources: SourceText
) -> None:
    """Included touchpoints are appended to the stage they name."""
    for stage_id, item, p in merged:
        stage = _find_stage(raw, stage_id)
        if stage is None:
            raise MapError(
                [
                    Diagnostic(
                        f"included touchpoints name an unknown stage '{stage_id}'",
                        p,
                        hint=did_you_mean(str(stage_id), _stage_ids(raw)),
                    )
                ],
                sources,
            )
        tps = stage.get("touchpoints")
        if not isinstance(tps, PosList):
            tps = PosList(pos=stage.pos)
            _set(stage, "touchpoints", tps)
        tps.append(item)
        tps.item_pos.append(p)


def _check_relative(inc: Any, pos: Position, sources: SourceText) -> str:
    """``inc`` itself, refused unless it is a non-empty relative path (no ``~``, no absolute or
    drive path)."""
    if not isinstance(inc, str) or not inc:
        raise MapError([Diagnostic("an include is a relative path to a YAML file", pos)], sources)
    if inc.startswith("~"):
        raise MapError(
            [
                Diagnostic(
                    f"include '{inc}' starts with '~'",
                    pos,
                    hint="use a path relative to the map, inside the repository",
                )
            ],
            sources,
        )
    if os.path.isabs(inc) or inc.startswith("\\") or (len(inc) > 1 and inc[1] == ":"):
        raise MapError(
            [
                Diagnostic(
                    f"include '{inc}' is an absolute path",
                    pos,
                    hint="use a path relative to the map, inside the repository",
                )
            ],
            sources,
        )
    return inc


def _stat(target: Path, inc: str, pos: Position, sources: SourceText) -> os.stat_result | None:
    """The included file's status through links (None when it does not exist); a link that
    loops or an unreadable path is an error."""
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        loops = exc.errno == errno.ELOOP
        raise MapError(
            [
                Diagnostic(
                    f"include '{inc}' is a symbolic link that loops"
                    if loops
                    else f"cannot read the included file '{inc}': {exc.strerror}",
                    pos,
                )
            ],
            sources,
        ) from None


def _include_target(inc: Any, file: Path, root: Path, pos: Position, sources: SourceText) -> Path:
    """The path of an include, refused unless it is a regular file inside ``root``."""
    path = _check_relative(inc, pos, sources)
    target = file.parent / path
    st = _stat(target, path, pos, sources)
    resolved = Path(os.path.realpath(target))
    if not resolved.is_relative_to(root):
        lexical = Path(os.path.normpath(file.parent.resolve() / path))
        via = " through a symbolic link" if lexical.is_relative_to(root) else ""
        raise MapError(
            [
                Diagnostic(
                    f"include '{path}' leads outside the repository{via}",
                    pos,
                    hint=f"includes must stay inside {root}",
                )
            ],
            sources,
        )
    if st is None:
        raise MapError([Diagnostic(f"included file '{path}' does not exist", pos)], sources)
    kind = "a folder" if stat.S_ISDIR(st.st_mode) else special_kind(st.st_mode)
    if kind is not None:
        raise MapError(
            [
                Diagnostic(
                    f"included file '{path}' is {kind}", pos, hint="an include is a YAML file"
                )
            ],
            sources,
        )
    return target
