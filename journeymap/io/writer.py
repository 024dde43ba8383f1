"""Write maps and overlays back to YAML (readable key order, Unicode as written)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from journeymap.io.yamlsafe import resolves_to_string


class _Dumper(yaml.SafeDumper):
    """Quotes every string that journeymap's YAML 1.2 reader would not read back as that string."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if not resolves_to_string(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _represent_str)


def to_plain(model: BaseModel) -> dict[str, Any]:
    """The model as plain data in the format's own spelling, without defaults."""
    data = model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    assert isinstance(data, dict)
    return data


def dump_yaml(data: Any, header: str | None = None) -> str:
    """Deterministic YAML text; YAML 1.1 words such as ``no`` are quoted so they stay text."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                          width=100, indent=2)
    if header:
        text = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + text
    return text


def dump_map(model: BaseModel, header: str | None = None) -> str:
    """A map or overlay model as YAML that loads back to an equal model.

    >>> from journeymap.model import JourneyMap
    >>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M", "stages": []})
    >>> print(dump_map(m), end="")
    journeymap: 1
    id: m
    title: M
    stages: []
    """
    return dump_yaml(to_plain(model), header)
