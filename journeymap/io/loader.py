"""Read maps and overlays: YAML with positions -> includes -> scenario -> shape -> references.

Pass 1 (shape) is pydantic; pass 2 (references) checks every id a map or overlay names. Both
passes collect every problem of the input before raising one :class:`MapError`, whose
diagnostics point at ``file:line:col``.
"""

from __future__ import annotations

import copy
import os
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from journeymap.errors import Diagnostic, MapError, UsageError, did_you_mean
from journeymap.io.yamlsafe import PosDict, PosList, locate, parse_yaml
from journeymap.model import JourneyMap, Overlay, Scenario
from journeymap.source import Position, SourceText

INCLUDE_KEYS = ("personas", "stages", "touchpoints", "include")


@dataclass
class LoadedMap:
    """A validated map with everything needed to point back at its source."""

    map: JourneyMap
    path: Path
    display: str
    raw: PosDict
    sources: SourceText
    overlay: Overlay | None = None
    overlay_display: str | None = None
    overlay_raw: PosDict | None = None
    scenario: str | None = None
    persona: str | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    """Every file read: the map, its includes, the overlay (for ``render --watch``)."""

    def locate(self, *loc: Any, key: bool = False) -> Position | None:
        """Position of a path in the map as written, e.g. ``locate("checks", "conversion")``."""
        return locate(self.raw, tuple(loc), key=key)

    def touchpoint_loc(self, touchpoint_id: str) -> tuple[Any, ...]:
        for i, stage in enumerate(self.map.stages):
            for j, tp in enumerate(stage.touchpoints):
                if tp.id == touchpoint_id:
                    return ("stages", i, "touchpoints", j)
        raise KeyError(touchpoint_id)

    def touchpoint_position(self, touchpoint_id: str, *field_path: Any) -> Position | None:
        """Where a touchpoint (or one of its fields) is written."""
        return self.locate(*self.touchpoint_loc(touchpoint_id), *field_path)

    def stage_position(self, stage_id: str) -> Position | None:
        for i, stage in enumerate(self.map.stages):
            if stage.id == stage_id:
                return self.locate("stages", i)
        raise KeyError(stage_id)

    def overlay_position(self, *loc: Any) -> Position | None:
        if self.overlay_raw is None:
            return None
        return locate(self.overlay_raw, tuple(loc))


# ------------------------------------------------------------------------------- entry points


def load_map(
    path: str | os.PathLike[str],
    *,
    data: str | os.PathLike[str] | None = None,
    scenario: str | None = None,
    persona: str | None = None,
    sources: SourceText | None = None,
    text: bytes | None = None,
) -> LoadedMap:
    """Load, validate and resolve a map (and its overlay), or raise :class:`MapError`.

    ``text`` gives the file's bytes when they do not come from disk (a git revision).
    """
    sources = sources or SourceText()
    display = os.fspath(path)
    file = Path(path)
    raw = _read_mapping(file, display, sources, what="map", text=text)
    files = [file]
    root = _include_root(file)
    if text is None:
        _resolve_includes(raw, file, display, root, sources, files, chain=[file.resolve()])
    elif raw.get("include"):
        pass  # a map read from a git revision resolves includes against the working tree
    if scenario is not None:
        raw = _apply_scenario(raw, scenario, display, sources)
    jm, diagnostics = _validate_map(raw)
    if jm is not None:
        diagnostics += _check_references(jm, raw)
    else:
        seen_at = {d.position for d in diagnostics}
        diagnostics += [d for d in _check_raw_references(raw) if d.position not in seen_at]
    if diagnostics:
        raise MapError(_sorted(diagnostics), sources)
    assert jm is not None
    loaded = LoadedMap(map=jm, path=file, display=display, raw=raw, sources=sources,
                       scenario=scenario, files=files)
    loaded.warnings += _map_warnings(jm, raw)
    if persona is not None:
        ids = [p.id for p in jm.personas]
        if persona not in ids:
            raise UsageError(f"the map has no persona '{persona}'",
                             hint=did_you_mean(persona, ids) or _known("personas", ids))
        loaded.persona = persona
    if data is not None and Path(data).is_dir():
        data = _segment_overlay(Path(data), jm, persona, sources)
    if data is not None:
        overlay, overlay_raw, odisplay = load_overlay(data, sources=sources)
        _check_overlay_against_map(overlay, overlay_raw, jm, sources)
        loaded.overlay, loaded.overlay_raw, loaded.overlay_display = overlay, overlay_raw, odisplay
        loaded.files.append(Path(data))
        loaded.warnings += _overlay_warnings(overlay, overlay_raw)
    return loaded


def _segment_overlay(folder: Path, jm: JourneyMap, persona: str | None, sources: SourceText) -> Path:
    """The overlay in `folder` whose ``segment`` equals the persona's ``segment``."""
    if persona is None:
        raise UsageError(f"--data {folder} is a folder of segment overlays; choose one with --persona",
                         hint=_known("personas", [p.id for p in jm.personas]))
    wanted = jm.persona(persona).segment
    if not wanted:
        raise UsageError(f"persona '{persona}' declares no 'segment', so no overlay in {folder} is its own",
                         hint="add 'segment: {column: value}' to the persona, or give an overlay file")
    want = {str(k): str(v) for k, v in wanted.items()}
    seen: list[str] = []
    for candidate in sorted(folder.iterdir()):
        if candidate.suffix not in (".yaml", ".yml", ".json") or not candidate.is_file():
            continue
        overlay, _raw, _display = load_overlay(candidate, sources=sources)
        if overlay.map != jm.id or overlay.segment is None:
            continue
        got = {str(k): str(v) for k, v in overlay.segment.items()}
        seen.append(", ".join(f"{k}={v}" for k, v in sorted(got.items())))
        if got == want:
            return candidate
    raise UsageError(f"no overlay in {folder} for persona '{persona}' (segment "
                     f"{', '.join(f'{k}={v}' for k, v in sorted(want.items()))})",
                     hint=f"segments found: {'; '.join(seen)}" if seen else
                     f"write them with 'journeymap ingest ... --map MAP --segment-by COLUMN -o {folder}'")


def load_overlay(
    path: str | os.PathLike[str], *, sources: SourceText | None = None, text: bytes | None = None
) -> tuple[Overlay, PosDict, str]:
    """Load and validate an overlay file (YAML or JSON), without checking it against a map."""
    sources = sources or SourceText()
    display = os.fspath(path)
    raw = _read_mapping(Path(path), display, sources, what="overlay", text=text)
    tps = raw.get("touchpoints")
    if isinstance(tps, PosList):  # the JSON form: touchpoints as a list of {id: ..., ...}
        raw["touchpoints"] = _list_to_mapping(tps)
    try:
        overlay = Overlay.model_validate(raw)
    except ValidationError as exc:
        raise MapError(_sorted(_diagnostics(exc, raw, Overlay)), sources) from None
    return overlay, raw, display


def validate_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and folders into the map files they hold (``*.yaml``, ``*.yml``), sorted."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(q for q in path.rglob("*") if q.suffix in (".yaml", ".yml")
                           and q.is_file() and not any(part.startswith(".") for part in q.parts))
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise UsageError(f"no such file or folder: {os.fspath(p)}")
    return out


def is_map_document(path: Path) -> bool:
    """Whether a YAML file in a folder is a map (not an include or an overlay)."""
    try:
        head = path.read_bytes()[:4096].decode("utf-8", "replace")
    except OSError:
        return False
    for line in head.splitlines():
        stripped = line.strip()
        if stripped.startswith("journeymap:"):
            return True
        if stripped.startswith("journeymap-data:"):
            return False
    return False


# ---------------------------------------------------------------------------------- reading


def _read_mapping(file: Path, display: str, sources: SourceText, *, what: str,
                  text: bytes | None = None) -> PosDict:
    if text is None:
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            raise UsageError(f"no such file: {display}") from None
        except IsADirectoryError:
            raise UsageError(f"{display} is a folder; give a {what} file") from None
        except OSError as exc:
            raise UsageError(f"cannot read {display}: {exc.strerror}") from None
    else:
        data = text
    doc = parse_yaml(data, display, sources)
    if not isinstance(doc, PosDict):
        kind = "a list" if isinstance(doc, PosList) else f"a single value ({doc!r})"
        raise MapError([Diagnostic(f"a {what} is a mapping of keys to values, but this file holds {kind}",
                                   getattr(doc, "pos", Position(display, 1, 1)),
                                   hint="start the file with 'journeymap: 1'" if what == "map"
                                   else "start the file with 'journeymap-data: 1'")], sources)
    return doc


def _list_to_mapping(items: PosList) -> PosDict:
    out = PosDict(pos=items.pos)
    for item, pos in zip(items, items.item_pos, strict=False):
        if isinstance(item, PosDict) and isinstance(item.get("id"), str):
            body = PosDict({k: v for k, v in item.items() if k != "id"}, pos=item.pos)
            body.key_pos = {k: v for k, v in item.key_pos.items() if k != "id"}
            body.val_pos = {k: v for k, v in item.val_pos.items() if k != "id"}
            out[item["id"]] = body
            out.key_pos[item["id"]] = item.val_pos.get("id", pos)
            out.val_pos[item["id"]] = pos
    return out


# --------------------------------------------------------------------------------- includes


def _include_root(file: Path) -> Path:
    start = file.resolve().parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def _resolve_includes(raw: PosDict, file: Path, display: str, root: Path, sources: SourceText,
                      files: list[Path], chain: list[Path]) -> None:
    includes = raw.get("include")
    if includes is None:
        return
    if not isinstance(includes, PosList):
        raise MapError([Diagnostic("'include' is a list of relative paths", locate(raw, ("include",)))],
                       sources)
    merged_personas: list[tuple[Any, Position]] = []
    merged_stages: list[tuple[Any, Position]] = []
    merged_touchpoints: list[tuple[str, Any, Position]] = []
    for idx, inc in enumerate(includes):
        pos = includes.item_pos[idx]
        target = _include_target(inc, file, root, pos, sources)
        if target.resolve() in chain:
            cycle = " -> ".join(str(p.name) for p in [*chain, target.resolve()])
            raise MapError([Diagnostic(f"include cycle: {cycle}", pos,
                                       hint="a file may not include itself, directly or through others")],
                           sources)
        inc_display = os.path.normpath(os.path.join(os.path.dirname(display), inc))
        doc = _read_mapping(target, inc_display, sources, what="included file")
        files.append(target)
        unknown = [k for k in doc if k not in INCLUDE_KEYS]
        if unknown:
            key = unknown[0]
            raise MapError([Diagnostic(f"unknown key '{key}' in an included file", doc.key_pos[key],
                                       hint=did_you_mean(str(key), list(INCLUDE_KEYS))
                                       or "an included file holds personas, stages and touchpoints")],
                           sources)
        _resolve_includes(doc, target, inc_display, root, sources, files, [*chain, target.resolve()])
        for key, sink in (("personas", merged_personas), ("stages", merged_stages)):
            items = doc.get(key)
            if items is None:
                continue
            if not isinstance(items, PosList):
                raise MapError([Diagnostic(f"'{key}' is a list", doc.val_pos[key])], sources)
            sink.extend(zip(items, items.item_pos, strict=False))
        tps = doc.get("touchpoints")
        if tps is not None:
            if not isinstance(tps, PosDict):
                raise MapError([Diagnostic("'touchpoints' in an included file maps a stage id to a list",
                                           doc.val_pos["touchpoints"])], sources)
            for stage_id, items in tps.items():
                if isinstance(items, PosList):
                    merged_touchpoints.extend((stage_id, it, p) for it, p in
                                              zip(items, items.item_pos, strict=False))
    if merged_personas:
        own = raw.get("personas")
        new = PosList(pos=getattr(own, "pos", raw.pos))
        for item, p in merged_personas:
            new.append(item)
            new.item_pos.append(p)
        if isinstance(own, PosList):
            new.extend(own)
            new.item_pos.extend(own.item_pos)
        _set(raw, "personas", new)
    if merged_stages:
        own = raw.get("stages")
        stages = own if isinstance(own, PosList) else PosList(pos=raw.pos)
        placed = set()
        for i, stage in enumerate(stages):
            if isinstance(stage, PosDict) and set(stage) == {"id"}:
                for item, p in merged_stages:
                    if isinstance(item, PosDict) and item.get("id") == stage["id"]:
                        stages[i] = item
                        stages.item_pos[i] = p
                        placed.add(id(item))
        for item, p in merged_stages:
            if id(item) not in placed:
                stages.append(item)
                stages.item_pos.append(p)
        _set(raw, "stages", stages)
    for stage_id, item, p in merged_touchpoints:
        stage = _find_stage(raw, stage_id)
        if stage is None:
            raise MapError([Diagnostic(f"included touchpoints name an unknown stage '{stage_id}'", p,
                                       hint=did_you_mean(str(stage_id), _stage_ids(raw)))], sources)
        tps = stage.get("touchpoints")
        if not isinstance(tps, PosList):
            tps = PosList(pos=stage.pos)
            _set(stage, "touchpoints", tps)
        tps.append(item)
        tps.item_pos.append(p)


def _include_target(inc: Any, file: Path, root: Path, pos: Position, sources: SourceText) -> Path:
    if not isinstance(inc, str) or not inc:
        raise MapError([Diagnostic("an include is a relative path to a YAML file", pos)], sources)
    if inc.startswith("~"):
        raise MapError([Diagnostic(f"include '{inc}' starts with '~'", pos,
                                   hint="use a path relative to the map, inside the repository")], sources)
    if os.path.isabs(inc) or inc.startswith("\\") or (len(inc) > 1 and inc[1] == ":"):
        raise MapError([Diagnostic(f"include '{inc}' is an absolute path", pos,
                                   hint="use a path relative to the map, inside the repository")], sources)
    target = file.parent / inc
    resolved = target.resolve()
    if not resolved.is_relative_to(root):
        lexical = Path(os.path.normpath(file.parent.resolve() / inc))
        via = " through a symbolic link" if lexical.is_relative_to(root) else ""
        raise MapError([Diagnostic(f"include '{inc}' leads outside the repository{via}", pos,
                                   hint=f"includes must stay inside {root}")], sources)
    if not resolved.is_file():
        raise MapError([Diagnostic(f"included file '{inc}' does not exist", pos)], sources)
    return target


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
    return [s["id"] for s in raw.get("stages") or [] if isinstance(s, PosDict) and isinstance(s.get("id"), str)]


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


# -------------------------------------------------------------------------------- scenarios


def _apply_scenario(raw: PosDict, name: str, display: str, sources: SourceText) -> PosDict:
    scenarios = raw.get("scenarios")
    names = list(scenarios) if isinstance(scenarios, PosDict) else []
    if name not in names:
        raise UsageError(f"{display} has no scenario '{name}'",
                         hint=did_you_mean(name, names) or _known("scenarios", names))
    assert isinstance(scenarios, PosDict)
    patch_raw = scenarios[name]
    try:
        patch = Scenario.model_validate(patch_raw)
    except ValidationError as exc:
        raise MapError(_sorted(_diagnostics(exc, raw, JourneyMap, prefix=("scenarios", name))),
                       sources) from None
    out = copy.deepcopy(raw)
    diags: list[Diagnostic] = []
    where = ("scenarios", name)
    known_tp = {tp.get("id") for *_, tp in _iter_raw_touchpoints(out)}
    known_stage = set(_stage_ids(out))
    removed = set(patch.remove)
    for i, rid in enumerate(patch.remove):
        if rid not in known_tp and rid not in known_stage:
            diags.append(Diagnostic(f"scenario '{name}' removes unknown touchpoint or stage '{rid}'",
                                    locate(raw, (*where, "remove", i)),
                                    hint=did_you_mean(rid, [str(k) for k in known_tp | known_stage if k is not None])))
    stages = out.get("stages")
    for stage in stages if isinstance(stages, PosList) else []:
        if isinstance(stage, PosDict) and stage.get("id") in removed:  # its touchpoints go too
            removed |= {str(tp.get("id")) for tp in stage.get("touchpoints") or [] if isinstance(tp, PosDict)}
    if isinstance(stages, PosList):
        keep = [(s, p) for s, p in zip(stages, stages.item_pos, strict=False)
                if not (isinstance(s, PosDict) and s.get("id") in removed)]
        stages[:] = [s for s, _ in keep]
        stages.item_pos = [p for _, p in keep]
    for _stage, tps, _j, _tp in list(_iter_raw_touchpoints(out)):
        keep2 = [(t, p) for t, p in zip(tps, tps.item_pos, strict=False)
                 if not (isinstance(t, PosDict) and t.get("id") in removed)]
        tps[:] = [t for t, _ in keep2]
        tps.item_pos = [p for _, p in keep2]
    _prune_removed(out, removed)
    by_id = {tp.get("id"): tp for *_, tp in _iter_raw_touchpoints(out)}
    patches_raw = patch_raw.get("touchpoints") if isinstance(patch_raw, PosDict) else None
    for tid in patch.touchpoints:
        assert isinstance(patches_raw, PosDict)
        fields = patches_raw[tid]
        target = by_id.get(tid)
        if target is None:
            diags.append(Diagnostic(f"scenario '{name}' changes unknown touchpoint '{tid}'",
                                    patches_raw.key_pos[tid], hint=did_you_mean(tid, [str(k) for k in by_id if k is not None])))
            continue
        if "id" in fields:
            diags.append(Diagnostic("a scenario cannot change a touchpoint's id; remove it and add a new one",
                                    fields.key_pos["id"]))
            continue
        for key, value in fields.items():
            target[key] = copy.deepcopy(value)
            target.key_pos[key] = fields.key_pos[key]
            target.val_pos[key] = fields.val_pos[key]
    adds_raw = patch_raw.get("add") if isinstance(patch_raw, PosDict) else None
    for stage_id in patch.add:
        assert isinstance(adds_raw, PosDict)
        stage = _find_stage(out, stage_id)
        if stage is None:
            diags.append(Diagnostic(f"scenario '{name}' adds to unknown stage '{stage_id}'",
                                    adds_raw.key_pos[stage_id], hint=did_you_mean(stage_id, known_stage)))
            continue
        items = adds_raw[stage_id]
        existing = stage.get("touchpoints")
        tps = existing if isinstance(existing, PosList) else PosList(pos=stage.pos)
        _set(stage, "touchpoints", tps)
        for item, p in zip(items, items.item_pos, strict=False):
            tps.append(copy.deepcopy(item))
            tps.item_pos.append(p)
    if diags:
        raise MapError(_sorted(diags), sources)
    # the result is a map of its own: other scenarios do not apply to it
    out.pop("scenarios", None)
    return out


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
        keep2 = [(d, p) for d, p in zip(disable, disable.item_pos, strict=False)
                 if not (isinstance(d, PosDict) and (d.get("touchpoint") in removed or d.get("stage") in removed))]
        disable[:] = [d for d, _ in keep2]
        disable.item_pos = [p for _, p in keep2]


# ------------------------------------------------------------------------ shape (pydantic)


def _validate_map(raw: PosDict) -> tuple[JourneyMap | None, list[Diagnostic]]:
    if "journeymap" not in raw and "journeymap-data" in raw:
            return None, [Diagnostic("this is an overlay (journeymap-data), not a map", raw.key_pos["journeymap-data"],
                                     hint="pass it with --data next to its map")]
    try:
        return JourneyMap.model_validate(raw), []
    except ValidationError as exc:
        return None, _diagnostics(exc, raw, JourneyMap)


_TYPE_WORDS = {"str", "int", "float", "bool", "list", "dict", "tuple", "set", "none",
               "constrained-str", "constrained-int", "constrained-float", "lax-or-strict"}


def _is_type_tag(segment: Any) -> bool:
    if not isinstance(segment, str):
        return False
    return ("[" in segment or segment in _TYPE_WORDS or segment[:1].isupper()
            or segment.startswith("function-") or segment.startswith("literal"))


def _clean_loc(raw: Any, loc: tuple[Any, ...], err_type: str) -> tuple[Any, ...]:
    out: list[Any] = []
    node = raw
    for i, seg in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(node, dict) and seg in node) or (isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)):
            out.append(seg)
            node = node[seg]
        elif _is_type_tag(seg):
            continue
        elif last and err_type in ("missing", "extra_forbidden"):
            out.append(seg)
        elif isinstance(node, dict) and isinstance(seg, (int, str)):
            # a dict key pydantic converted (an answer "1" for 1) or one that is not there
            match = [k for k in node if str(k) == str(seg)]
            if match:
                out.append(match[0])
                node = node[match[0]]
            else:
                out.append(seg)
                node = None
        else:
            out.append(seg)
            node = None
    return tuple(out)


def _diagnostics(exc: ValidationError, raw: PosDict, model: type[BaseModel],
                 prefix: tuple[Any, ...] = ()) -> list[Diagnostic]:
    errors = exc.errors(include_url=False)
    cleaned = [(_clean_loc(raw, prefix + tuple(e["loc"]), e["type"]), e) for e in errors]
    locs = [c for c, _ in cleaned]
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    for loc, err in cleaned:
        # a union member that did not fit at all, when another member got further
        if err["type"].endswith("_type") and any(o != loc and o[: len(loc)] == loc for o in locs):
            continue
        if loc in seen:
            continue
        seen.add(loc)
        out.append(_diagnostic(loc, err, raw, model))
    return out


def _path_text(loc: tuple[Any, ...]) -> str:
    text = ""
    for seg in loc:
        text += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if text else str(seg))
    return text


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _diagnostic(loc: tuple[Any, ...], err: Any, raw: PosDict, model: type[BaseModel]) -> Diagnostic:
    kind = err["type"]
    where = _path_text(loc)
    value = err.get("input")
    ctx = err.get("ctx") or {}
    hint: str | None = None
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = _allowed_keys(model, loc[:-1])
        hint = did_you_mean(str(key), allowed) or (
            f"allowed here: {', '.join(sorted(allowed))}" if allowed and len(allowed) <= 12 else None)
        parent = _path_text(loc[:-1]) or "the top level"
        return Diagnostic(f"unknown key '{key}' in {parent}", locate(raw, loc, key=True), hint)
    pos = locate(raw, loc)
    if kind == "missing":
        parent = _path_text(loc[:-1]) or "the top level"
        return Diagnostic(f"missing required key '{loc[-1]}' in {parent}", pos)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        message = f"{where} must be a whole number, got {_show(value)}"
        hint = "counts are whole numbers of customers or transitions, written without quotes"
    elif kind in ("float_type", "float_parsing"):
        message = f"{where} must be a number, got {_show(value)}"
    elif kind == "finite_number":
        message = f"{where} must be a finite number, got {_show(value)}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {"greater_than_equal": "at least", "greater_than": "more than",
                 "less_than_equal": "at most", "less_than": "less than"}[kind]
        bound = next(iter(ctx.values()), "?")
        message = f"{where} must be {words} {bound}, got {_show(value)}"
    elif kind in ("string_type",):
        message = f"{where} must be text, got {_show(value)}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            hint = f"quote it: '{value}'"
    elif kind == "string_pattern_mismatch":
        if (loc and loc[-1] == "currency") or "currency" in loc:
            message = f"{where} must be an ISO 4217 code such as EUR, got {_show(value)}"
        elif "code" in loc:
            message = f"{where} must be a check code such as JM101, got {_show(value)}"
        else:
            message = f"{_show(value)} is not a valid id ({where})"
            hint = "ids are made of letters, digits, '-', '_' and '.', and start with a letter or digit"
    elif kind == "string_too_short":
        message = f"{where} must not be empty"
    elif kind == "string_too_long":
        message = f"{where} is too long"
    elif kind == "literal_error":
        expected = ctx.get("expected", "")
        if where in ("journeymap", "journeymap-data"):
            message = f"unsupported format version {_show(value)} in '{where}'"
            hint = "this journeymap reads format version 1"
        else:
            message = f"{where} must be one of {expected}, got {_show(value)}"
            hint = did_you_mean(str(value), [s.strip("'") for s in str(expected).replace(" or ", ", ").split(", ")])
    elif kind == "enum":
        expected = ctx.get("expected", "")
        message = f"{where} must be one of {expected}, got {_show(value)}"
        hint = did_you_mean(str(value), [s.strip("'") for s in str(expected).replace(" or ", ", ").split(", ")])
    elif kind in ("bool_type", "bool_parsing"):
        message = f"{where} must be true or false, got {_show(value)}"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"{where or 'the document'} must be a mapping (key: value), got {_show(value)}"
    elif kind in ("list_type", "tuple_type"):
        message = f"{where} must be a list, got {_show(value)}"
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        message = f"{where} must be a date like 2026-09-30, got {_show(value)}"
    elif kind == "too_short" or kind == "too_long":
        message = f"{where}: {err['msg'][0].lower()}{err['msg'][1:]}"
    elif kind == "value_error":
        text = str(err["msg"]).removeprefix("Value error, ")
        message = f"{where}: {text}" if where else text
    else:
        message = f"{where}: {err['msg']}" if where else str(err["msg"])
    return Diagnostic(message, pos, hint)


def _flatten(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_flatten(arg))
        return out
    return [annotation]


def _fields_by_key(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or name): f.annotation for name, f in model.model_fields.items()}


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    candidates: list[Any] = [model]
    for seg in loc:
        nxt: list[Any] = []
        for cand in candidates:
            for t in _flatten(cand):
                origin = typing.get_origin(t)
                if isinstance(t, type) and issubclass(t, BaseModel):
                    fields = _fields_by_key(t)
                    if isinstance(seg, str) and seg in fields:
                        nxt.append(fields[seg])
                elif origin is dict:
                    nxt.append(typing.get_args(t)[1])
                elif origin in (list, tuple) and isinstance(seg, int):
                    args = typing.get_args(t)
                    if args:
                        nxt.append(args[0])
        candidates = nxt
    keys: set[str] = set()
    for cand in candidates:
        for t in _flatten(cand):
            if isinstance(t, type) and issubclass(t, BaseModel):
                keys.update(_fields_by_key(t))
    return sorted(keys)


# ------------------------------------------------------------------------ references pass


def _check_references(jm: JourneyMap, raw: PosDict) -> list[Diagnostic]:
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
            diags.append(Diagnostic(f"duplicate persona id '{persona.id}'",
                                    locate(raw, ("personas", k, "id")), hint="persona ids are unique"))
        persona_ids.append(persona.id)
    known = set(tp_ids)
    stage_ids = [s.id for s in jm.stages]
    lo, hi = jm.emotion_scale
    for i, stage in enumerate(jm.stages):
        for j, tp in enumerate(stage.touchpoints):
            tloc = ("stages", i, "touchpoints", j)
            for target in tp.transitions:
                if target not in known:
                    diags.append(_unknown("touchpoint", target, raw, (*tloc, "next", target), tp_ids,
                                          f"{_path_text(tloc)}.next", key=isinstance(tp.next, dict)))
            for target in tp.returns:
                if target not in known:
                    diags.append(_unknown("touchpoint", target, raw, (*tloc, "returns", target), tp_ids,
                                          f"{_path_text(tloc)}.returns", key=True))
            for k, old in enumerate(tp.formerly):
                if old in known:
                    diags.append(Diagnostic(f"'formerly' names '{old}', which is a current touchpoint id",
                                            locate(raw, (*tloc, "formerly", k)),
                                            hint="'formerly' lists ids the touchpoint had before a rename"))
            if isinstance(tp.emotion, dict):
                for pid, value in tp.emotion.items():
                    if pid not in persona_ids:
                        diags.append(_unknown("persona", pid, raw, (*tloc, "emotion", pid), persona_ids,
                                              f"{_path_text(tloc)}.emotion", key=True))
                    if not lo <= value <= hi:
                        diags.append(Diagnostic(f"emotion {value:g} lies outside the map's emotion_scale [{lo:g}, {hi:g}]",
                                                locate(raw, (*tloc, "emotion", pid))))
            elif tp.emotion is not None and not lo <= tp.emotion <= hi:
                diags.append(Diagnostic(f"emotion {tp.emotion:g} lies outside the map's emotion_scale [{lo:g}, {hi:g}]",
                                        locate(raw, (*tloc, "emotion")),
                                        hint="declare 'emotion_scale: [low, high]' at the top to use another scale"))
    if jm.checks is not None:
        for tid in jm.checks.touchpoints:
            if tid not in known:
                diags.append(_unknown("touchpoint", tid, raw, ("checks", "touchpoints", tid), tp_ids,
                                      "checks.touchpoints", key=True))
            else:
                diags += _ces_limit(jm, tid, raw)
        for sid in jm.checks.stages:
            if sid not in stage_ids:
                diags.append(_unknown("stage", sid, raw, ("checks", "stages", sid), stage_ids,
                                      "checks.stages", key=True))
        if jm.checks.lint is not None:
            for k, dis in enumerate(jm.checks.lint.disable):
                if dis.touchpoint is not None and dis.touchpoint not in known:
                    diags.append(_unknown("touchpoint", dis.touchpoint, raw,
                                          ("checks", "lint", "disable", k, "touchpoint"), tp_ids,
                                          "checks.lint.disable"))
                if dis.stage is not None and dis.stage not in stage_ids:
                    diags.append(_unknown("stage", dis.stage, raw,
                                          ("checks", "lint", "disable", k, "stage"), stage_ids,
                                          "checks.lint.disable"))
    for sname, scen in jm.scenarios.items():
        for k, rid in enumerate(scen.remove):
            if rid not in known and rid not in stage_ids:
                diags.append(_unknown("touchpoint or stage", rid, raw, ("scenarios", sname, "remove", k),
                                      tp_ids + stage_ids, f"scenarios.{sname}.remove"))
        for tid in scen.touchpoints:
            if tid not in known:
                diags.append(_unknown("touchpoint", tid, raw, ("scenarios", sname, "touchpoints", tid),
                                      tp_ids, f"scenarios.{sname}.touchpoints", key=True))
        for sid in scen.add:
            if sid not in stage_ids:
                diags.append(_unknown("stage", sid, raw, ("scenarios", sname, "add", sid), stage_ids,
                                      f"scenarios.{sname}.add", key=True))
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
            diags.append(Diagnostic(f"duplicate touchpoint id '{tid}'{line}", tp.val_pos.get("id"),
                                    hint="ids are unique across the map's stages and touchpoints"))
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
                diags.append(Diagnostic(f"unknown touchpoint '{target}' in the transitions of '{tp.get('id')}'",
                                        pos, hint=did_you_mean(target, known) or _known("touchpoints", known)))
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
        return [Diagnostic(f"the CES of '{tid}' is {tp.scores.ces.direction.value.replace('_', ' ')}, so its limit is '{right}', not '{wrong}'",
                           locate(raw, ("checks", "touchpoints", tid, "ces", wrong), key=True))]
    return []


def _dup(kind: str, ident: str, raw: PosDict, loc: tuple[Any, ...], first: tuple[Any, ...]) -> Diagnostic:
    first_pos = locate(raw, (*first, "id"))
    line = f" (first defined at line {first_pos.line})" if first_pos else ""
    return Diagnostic(f"duplicate {kind} id '{ident}'{line}", locate(raw, (*loc, "id")),
                      hint="ids are unique across the map's stages and touchpoints")


def _unknown(kind: str, ident: str, raw: PosDict, loc: tuple[Any, ...], known: list[str], where: str,
             *, key: bool = False) -> Diagnostic:
    return Diagnostic(f"unknown {kind} '{ident}' in {where}", locate(raw, loc, key=key),
                      hint=did_you_mean(ident, known) or _known(f"{kind}s", known))


def _known(what: str, names: list[str]) -> str | None:
    if not names:
        return f"the map declares no {what}"
    if len(names) <= 8:
        return f"known {what}: {', '.join(names)}"
    return None


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.position is None, d.position or Position("", 0, 0)))


# -------------------------------------------------------------------------------- warnings


def _map_warnings(jm: JourneyMap, raw: PosDict) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for i, stage in enumerate(jm.stages):
        for j, tp in enumerate(stage.touchpoints):
            if tp.scores is not None and tp.scores.nps is not None and tuple(tp.scores.nps.scale) != (0, 10):
                out.append(Diagnostic(
                    f"NPS of '{tp.id}' is declared on {list(tp.scores.nps.scale)}; NPS is defined on 0-10 only, so it is omitted",
                    locate(raw, ("stages", i, "touchpoints", j, "scores", "nps", "scale")),
                    hint="ask the recommend question on 0-10, or record it as csat", code="JM001"))
            if tp.value is not None and not tp.goal:
                out.append(Diagnostic(f"'{tp.id}' has a 'value' but is not a goal; the value is ignored",
                                      locate(raw, ("stages", i, "touchpoints", j, "value")),
                                      hint="add 'goal: true' or remove 'value'", code="JM002"))
    return out


def _overlay_warnings(overlay: Overlay, raw: PosDict) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for tid, data in overlay.touchpoints.items():
        if data.scores is not None and data.scores.nps is not None and tuple(data.scores.nps.scale) != (0, 10):
            out.append(Diagnostic(f"NPS of '{tid}' is declared on {list(data.scores.nps.scale)}; it is omitted",
                                  locate(raw, ("touchpoints", tid, "scores", "nps", "scale")), code="JM001"))
    return out


def _check_overlay_against_map(overlay: Overlay, raw: PosDict, jm: JourneyMap, sources: SourceText) -> None:
    diags: list[Diagnostic] = []
    known = [tp.id for _, tp in jm.iter_touchpoints()]
    known_set = set(known)
    if overlay.map != jm.id:
        diags.append(Diagnostic(f"this overlay is for map '{overlay.map}', not '{jm.id}'",
                                locate(raw, ("map",)), hint="give the overlay made for this map"))
    for tid, data in overlay.touchpoints.items():
        if tid not in known_set:
            diags.append(_unknown("touchpoint", tid, raw, ("touchpoints", tid), known,
                                  "the overlay's touchpoints", key=True))
            continue
        for field_name in ("next", "returns", "median_seconds_to_next"):
            for target in getattr(data, field_name):
                if target not in known_set:
                    diags.append(_unknown("touchpoint", target, raw, ("touchpoints", tid, field_name, target),
                                          known, f"touchpoints.{tid}.{field_name}", key=True))
    if diags:
        raise MapError(_sorted(diags), sources)
