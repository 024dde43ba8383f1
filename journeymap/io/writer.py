"""Write maps and overlays: the one YAML writer and the one JSON writer of journeymap.

Every YAML file journeymap writes (``ingest``, ``ingest-survey``, ``discover``'s draft) goes
through :func:`dump_yaml`, whose strings are quoted whenever journeymap's own YAML 1.2 reader
(:mod:`journeymap.io.yamlsafe`) would read them back as something else: ``1e3`` and ``0o17`` are
numbers there, ``<<`` is a merge key; PyYAML's YAML 1.1 words (``yes``, ``no``, ``~``, dates)
are quoted too, so older readers agree. Every JSON file goes through :func:`dump_json`.

>>> from journeymap.model import Overlay
>>> o = Overlay.model_validate({"journeymap-data": 1, "map": "m", "unmapped": {"1e3": 2, "no": 1}})
>>> print(dump_overlay(o, OverlayFormat.YAML), end="")
# yaml-language-server: $schema=overlay.schema.json
journeymap-data: 1
map: m
unmapped:
  '1e3': 2
  'no': 1
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from enum import Enum, StrEnum
from typing import Any

import yaml
from pydantic import BaseModel

from journeymap.io.yamlsafe import resolves_to_string
from journeymap.model import Overlay

MAP_SCHEMA = "journeymap.schema.json"
"""The file name of the map schema (``journeymap schema``) that written maps point editors at."""
OVERLAY_SCHEMA = "overlay.schema.json"
"""The file name of the overlay schema (``journeymap schema --overlay``)."""


class OverlayFormat(StrEnum):
    """The two spellings of an overlay file: the same document, touchpoints as a mapping."""

    YAML = "yaml"
    JSON = "json"


class _Dumper(yaml.SafeDumper):
    """Quotes every string that journeymap's YAML 1.2 reader would not read back as that string."""


_UNICODE_BREAKS = re.compile("[\x85\u2028\u2029\ufeff]")
"""Line breaks PyYAML writes raw in plain and single-quoted text, where readers fold them."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _UNICODE_BREAKS.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if not resolves_to_string(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)


def plain(value: Any) -> Any:
    """Model data as YAML/JSON values: dates as ISO text, enums as their values, tuples as lists.

    Integer keys (survey answers) stay integers, so they are written as numbers.

    >>> plain({"d": dt.date(2026, 7, 1), "scale": (0, 10), "responses": {10: 1}})
    {'d': '2026-07-01', 'scale': [0, 10], 'responses': {10: 1}}
    """
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def to_plain(model: BaseModel) -> dict[str, Any]:
    """A map (or any model) as plain data in the format's own spelling, without defaults."""
    data = plain(model.model_dump(by_alias=True, exclude_defaults=True))
    assert isinstance(data, dict)
    return data


def modeline(schema: str) -> str:
    """The first line that points the YAML language server (editors) at a schema file.

    >>> modeline(MAP_SCHEMA)
    '# yaml-language-server: $schema=journeymap.schema.json'
    """
    return f"# yaml-language-server: $schema={schema}"


def dump_yaml(data: Any, header: str | None = None, *, schema: str | None = None) -> str:
    """Deterministic YAML text in the data's own key order, read back unchanged by journeymap.

    ``header`` becomes comment lines at the top, after the schema modeline when ``schema`` is given.
    """
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
        indent=2,
    )
    head = [modeline(schema)] if schema else []
    if header:
        head += [f"# {line}" if line else "#" for line in header.splitlines()]
    return "".join(f"{line}\n" for line in head) + text


def yaml_scalar(value: str, *, double: bool = False) -> str:
    """One string as a YAML flow scalar (for hand-laid-out YAML with comments), quoted as needed.

    >>> yaml_scalar("checkout"), yaml_scalar("1e3"), yaml_scalar("Café", double=True)
    ('checkout', "'1e3'", '"Café"')
    """
    text = yaml.dump(
        value,
        Dumper=_Dumper,
        allow_unicode=True,
        width=sys.maxsize,
        default_style='"' if double else None,
    )
    return text.removesuffix("\n...\n").removesuffix("\n")


def dump_map(model: BaseModel, header: str | None = None, *, schema: str | None = None) -> str:
    """A map or overlay model as YAML that loads back to an equal model.

    >>> from journeymap.model import JourneyMap
    >>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M", "stages": []})
    >>> print(dump_map(m), end="")
    journeymap: 1
    id: m
    title: M
    stages: []
    """
    return dump_yaml(to_plain(model), header, schema=schema)


_NOT_YAML_TEXT = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
"""Characters a YAML reader refuses raw or reads as line breaks (journeymap reads JSON as YAML)."""


def dump_json(data: Any, *, sort_keys: bool = False) -> str:
    """Deterministic JSON text in the data's own key order, or sorted (UTF-8 as written, two-space indent).

    Characters that YAML readers refuse or take for line breaks (DEL, C1 controls, U+2028,
    U+2029, U+FEFF) are written as ``\\uXXXX`` escapes, so the file reads back through
    journeymap's YAML reader too.

    >>> print(dump_json({"name": "Café\u2028"}), end="")
    {
      "name": "Café\\u2028"
    }
    """
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys) + "\n"
    return _NOT_YAML_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ------------------------------------------------------------------------------- overlays

OVERLAY_KEYS = (
    "journeymap-data",
    "map",
    "period",
    "segment",
    "settings",
    "coverage",
    "unmapped",
    "bad_rows",
    "left_out",
    "time_range",
    "time_to_convert",
    "touchpoints",
)
"""The order of an overlay's keys in YAML (the order ``docs/events.md`` explains them in)."""
TOUCHPOINT_KEYS = (
    "entries",
    "visits",
    "customers",
    "next",
    "exits",
    "in_progress",
    "unknown",
    "conversions",
    "returns",
    "median_seconds_to_next",
    "late_conversions",
    "scores",
)
"""The order of a touchpoint's counts in an overlay written as YAML (``scores`` by metric name)."""


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    rank = {k: i for i, k in enumerate(order)}
    return dict(sorted(data.items(), key=lambda kv: rank.get(kv[0], len(order))))


def _touchpoint(body: dict[str, Any]) -> dict[str, Any]:
    if "scores" in body:
        body["scores"] = {k: body["scores"][k] for k in sorted(body["scores"])}
    return _ordered(body, TOUCHPOINT_KEYS)


def overlay_plain(overlay: Overlay) -> dict[str, Any]:
    """An overlay as plain data: the fields it was built or read with, in the YAML key order."""
    data = plain(overlay.model_dump(by_alias=True, exclude_unset=True))
    if "touchpoints" in data:
        data["touchpoints"] = {tid: _touchpoint(body) for tid, body in data["touchpoints"].items()}
    return _ordered(data, OVERLAY_KEYS)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def dump_overlay(
    overlay: Overlay, fmt: OverlayFormat | str = OverlayFormat.YAML, *, header: str | None = None
) -> str:
    """An overlay as a file: YAML (with the schema modeline and ``header``) or JSON.

    Both hold the same document, touchpoints as a mapping ``{id: {...}}`` in map order. JSON keys
    are otherwise sorted (``responses`` by answer), so the same overlay gives the same bytes.
    """
    data = overlay_plain(overlay)
    if OverlayFormat(fmt) == OverlayFormat.YAML:
        return dump_yaml(data, header, schema=OVERLAY_SCHEMA)
    touchpoints = data.pop("touchpoints", None)
    doc = _sorted(data)
    if touchpoints is not None:
        doc["touchpoints"] = {tid: _sorted(body) for tid, body in touchpoints.items()}
        doc = {k: doc[k] for k in sorted(doc)}
    return dump_json(doc)
