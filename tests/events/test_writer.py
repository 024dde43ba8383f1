"""Overlays written by journeymap load back through journeymap's own YAML 1.2 reader (issue 9, #5)."""

from __future__ import annotations

from pathlib import Path

from journeymap.io import load_map, load_overlay
from tests.conftest import run_cli

ODD_MAP = """\
journeymap: 1
id: odd
title: Odd ids
stages:
  - id: s
    name: S
    touchpoints:
      - id: '1e3'
        name: Scientific
        next: ['0o17']
      - id: '0o17'
        name: Octal
"""

ODD_LOG = """\
user_id,timestamp,event
u,2026-01-01T10:00:00Z,1e3
u,2026-01-01T10:01:00Z,0o17
u,2026-01-01T10:02:00Z,0x1F
u,2026-01-01T10:03:00Z,.inf
"""


def test_ingest_yaml_with_number_like_ids_loads_back(tmp_path: Path) -> None:
    """``1e3`` and ``0o17`` are numbers in YAML 1.2: written unquoted they would not read back."""
    m = tmp_path / "odd.yaml"
    m.write_text(ODD_MAP, encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text(ODD_LOG, encoding="utf-8")
    out = tmp_path / "o.yaml"
    r = run_cli("ingest", str(log), "--map", str(m), "-o", str(out), "--lost-after", "0s", "-q")
    assert r.code == 0, r.err
    overlay, _, _ = load_overlay(out)
    assert list(overlay.touchpoints) == ["1e3", "0o17"]
    assert overlay.touchpoints["1e3"].next == {"0o17": 1}
    assert overlay.unmapped == {".inf": 1, "0x1F": 1}
    assert load_map(m, data=out).overlay == overlay
