"""Read maps and overlays: YAML with positions -> includes -> scenario -> shape -> references.

Pass 1 (shape) is pydantic; pass 2 (references) checks every id a map or overlay names. Both
passes collect every problem of the input before raising one :class:`MapError`, whose
diagnostics point at ``file:line:col``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from journeymap.errors import Diagnostic, MapError, UsageError, did_you_mean
from journeymap.findings import text
from journeymap.io.files import read_head
from journeymap.io.includes import _include_root, _resolve_includes
from journeymap.io.rawtree import _known, _read_mapping, _sorted, _unknown
from journeymap.io.references import _check_raw_references, _check_references
from journeymap.io.scenarios import _apply_scenario
from journeymap.io.shape import _diagnostics, _validate_map
from journeymap.io.yamlsafe import PosDict, PosList, locate
from journeymap.model import JourneyMap, Overlay, PeriodRange
from journeymap.source import Position, SourceText


class PersonaNeededError(UsageError):
    """A folder of segment overlays was given without the persona that picks one of them."""


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
    written: PosDict | None = None
    """The tree of the map as written (includes resolved) when `raw` has a scenario applied;
    None when `raw` is that tree. Other scenarios are derived from it (:func:`load_scenario`)."""

    @property
    def period(self) -> str | PeriodRange | None:
        """The period the numbers describe: the overlay's, else the map's."""
        if self.overlay is not None and self.overlay.period is not None:
            return self.overlay.period
        return self.map.period

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
    if text is None:  # bytes from elsewhere (a git revision) bring no files to include from
        _resolve_includes(raw, file, display, root, sources, files, chain=[file.resolve()])
    loaded = _resolved(raw, scenario, file, display, sources)
    loaded.files = files
    jm = loaded.map
    if persona is not None:
        ids = [p.id for p in jm.personas]
        if persona not in ids:
            raise UsageError(
                f"the map has no persona '{persona}'",
                hint=did_you_mean(persona, ids) or _known("personas", ids),
            )
        loaded.persona = persona
    if data is not None and Path(data).is_dir():
        data = _segment_overlay(Path(data), jm, persona, sources, loaded.files)
    if data is not None:
        overlay, overlay_raw, odisplay = load_overlay(data, sources=sources)
        _check_overlay_against_map(overlay, overlay_raw, jm, sources)
        loaded.overlay, loaded.overlay_raw, loaded.overlay_display = overlay, overlay_raw, odisplay
        if Path(data) not in loaded.files:  # a segment overlay is there already
            loaded.files.append(Path(data))
        loaded.warnings += _overlay_warnings(overlay, overlay_raw)
    return loaded


def load_scenario(loaded: LoadedMap, scenario: str | None) -> LoadedMap:
    """The map of `loaded` with `scenario` applied (None: the map as written), derived from the
    tree `loaded` was read from, never from the file on disk again (a map read at a git
    revision, or from bytes, stays that text). No overlay and no persona: only the map."""
    written = loaded.raw if loaded.written is None else loaded.written
    out = _resolved(written, scenario, loaded.path, loaded.display, loaded.sources)
    out.files = list(loaded.files)
    return out


def _resolved(
    raw: PosDict, scenario: str | None, file: Path, display: str, sources: SourceText
) -> LoadedMap:
    """Apply the scenario (if any) to the tree of the map as written, then both validation
    passes; raise :class:`MapError` with every problem found."""
    written = raw
    if scenario is not None:
        raw = _apply_scenario(raw, scenario, display, sources)
    jm, diagnostics = _validate_map(raw)
    if jm is not None:
        diagnostics += _check_references(jm, raw, applied=scenario is not None)
    else:
        seen_at = {d.position for d in diagnostics}
        diagnostics += [d for d in _check_raw_references(raw) if d.position not in seen_at]
    if diagnostics:
        raise MapError(_sorted(diagnostics), sources)
    assert jm is not None
    loaded = LoadedMap(
        map=jm, path=file, display=display, raw=raw, sources=sources, scenario=scenario
    )
    loaded.written = None if scenario is None else written
    loaded.warnings += _map_warnings(jm, raw)
    return loaded


def _segment_overlay(
    folder: Path, jm: JourneyMap, persona: str | None, sources: SourceText, files: list[Path]
) -> Path:
    """The overlay in `folder` whose ``segment`` equals the persona's ``segment``; the other
    overlays read to find it (the chosen one among them) are added to `files`."""
    if persona is None:
        raise PersonaNeededError(
            f"{folder} is a folder of segment overlays; choose one by persona",
            hint=_known("personas", [p.id for p in jm.personas]),
        )
    wanted = jm.persona(persona).segment
    if not wanted:
        raise UsageError(
            f"persona '{persona}' declares no 'segment', so no overlay in {folder} is its own",
            hint="add 'segment: {column: value}' to the persona, or give an overlay file",
        )
    want = {str(k): str(v) for k, v in wanted.items()}
    seen: list[str] = []
    for candidate in sorted(folder.iterdir()):
        if candidate.suffix not in (".yaml", ".yml", ".json") or not candidate.is_file():
            continue
        overlay, _raw, _display = load_overlay(candidate, sources=sources)
        files.append(candidate)
        if overlay.map != jm.id or overlay.segment is None:
            continue
        got = {str(k): str(v) for k, v in overlay.segment.items()}
        seen.append(", ".join(f"{k}={v}" for k, v in sorted(got.items())))
        if got == want:
            return candidate
    raise UsageError(
        f"no overlay in {folder} for persona '{persona}' (segment "
        f"{', '.join(f'{k}={v}' for k, v in sorted(want.items()))})",
        hint=f"segments found: {'; '.join(seen)}"
        if seen
        else f"{folder} holds no segment overlays of map '{jm.id}': ingest writes one per segment "
        "(docs/events.md, 'Segments')",
    )


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
            found = sorted(
                q
                for q in path.rglob("*")
                if q.suffix in (".yaml", ".yml")
                and q.is_file()
                and not any(part.startswith(".") for part in q.parts)
            )
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise UsageError(f"no such file or folder: {os.fspath(p)}")
    return out


_KIND_KEY = re.compile(r'^\s*\{?\s*"?(journeymap|journeymap-data)"?\s*:', re.M)


def document_kind(path: Path) -> str | None:
    """``"map"``, ``"overlay"`` or None (an included fragment, or not ours), from the first key
    among the file's first 4 KiB that names the format (YAML, or JSON written by ``ingest``)."""
    head = read_head(path).decode("utf-8", "replace")
    match = _KIND_KEY.search(head)
    if match is None:
        return None
    return "map" if match.group(1) == "journeymap" else "overlay"


def is_map_document(path: Path) -> bool:
    """Whether a YAML file in a folder is a map (not an include or an overlay)."""
    return document_kind(path) == "map"


# ---------------------------------------------------------------------------------- reading


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


# -------------------------------------------------------------------------------- warnings


def _map_warnings(jm: JourneyMap, raw: PosDict) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for i, stage in enumerate(jm.stages):
        for j, tp in enumerate(stage.touchpoints):
            if (
                tp.scores is not None
                and tp.scores.nps is not None
                and not tp.scores.nps.on_nps_scale
            ):
                sentence = text(
                    "NPS of '{id}' is declared on {scale}; NPS is defined on 0-10 only, so it is "
                    "omitted",
                    id=tp.id,
                    scale=str(list(tp.scores.nps.scale)),
                )
                out.append(
                    Diagnostic(
                        sentence.format(),
                        locate(raw, ("stages", i, "touchpoints", j, "scores", "nps", "scale")),
                        hint="ask the recommend question on 0-10, or record it as csat",
                        code="JM001",
                        text=sentence,
                    )
                )
            if tp.value is not None and not tp.goal:
                sentence = text(
                    "'{id}' has a 'value' but is not a goal; the value is ignored", id=tp.id
                )
                out.append(
                    Diagnostic(
                        sentence.format(),
                        locate(raw, ("stages", i, "touchpoints", j, "value")),
                        hint="add 'goal: true' or remove 'value'",
                        code="JM002",
                        text=sentence,
                    )
                )
    return out


def _overlay_warnings(overlay: Overlay, raw: PosDict) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for tid, data in overlay.touchpoints.items():
        if (
            data.scores is not None
            and data.scores.nps is not None
            and not data.scores.nps.on_nps_scale
        ):
            sentence = text(
                "NPS of '{id}' is declared on {scale}; it is omitted",
                id=tid,
                scale=str(list(data.scores.nps.scale)),
            )
            out.append(
                Diagnostic(
                    sentence.format(),
                    locate(raw, ("touchpoints", tid, "scores", "nps", "scale")),
                    code="JM001",
                    text=sentence,
                )
            )
    return out


def _check_overlay_against_map(
    overlay: Overlay, raw: PosDict, jm: JourneyMap, sources: SourceText
) -> None:
    diags: list[Diagnostic] = []
    known = [tp.id for _, tp in jm.iter_touchpoints()]
    known_set = set(known)
    if overlay.map != jm.id:
        diags.append(
            Diagnostic(
                f"this overlay is for map '{overlay.map}', not '{jm.id}'",
                locate(raw, ("map",)),
                hint="give the overlay made for this map",
            )
        )
    for tid, data in overlay.touchpoints.items():
        if tid not in known_set:
            diags.append(
                _unknown(
                    "touchpoint",
                    tid,
                    raw,
                    ("touchpoints", tid),
                    known,
                    "the overlay's touchpoints",
                    key=True,
                )
            )
            continue
        for field_name in ("next", "returns", "median_seconds_to_next"):
            for target in getattr(data, field_name):
                if target not in known_set:
                    diags.append(
                        _unknown(
                            "touchpoint",
                            target,
                            raw,
                            ("touchpoints", tid, field_name, target),
                            known,
                            f"touchpoints.{tid}.{field_name}",
                            key=True,
                        )
                    )
    if diags:
        raise MapError(_sorted(diags), sources)
