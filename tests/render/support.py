"""Helpers for the render tests (the data folder, a scene from a test map); fixtures stay in conftest.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from journeymap.io import load_map
from journeymap.render import Scene, build_scene
from journeymap.render.build import scenario_curves

DATA = Path(__file__).resolve().parent / "data"


def scene_of(name: str, *, data: str | None = None, analysis: dict[str, Any] | None = None,
             curves: str = "auto", **kw: Any) -> Scene:
    loaded = load_map(DATA / name, data=None if data is None else DATA / data,
                      scenario=kw.pop("scenario", None), persona=kw.get("persona"))
    return build_scene(loaded.map, loaded.overlay, analysis=analysis,
                       curves=scenario_curves(loaded, curves), scenario=loaded.scenario, **kw)
