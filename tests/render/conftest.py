from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from journeymap.io import load_map
from journeymap.render import Scene, build_scene
from journeymap.render.build import scenario_curves

DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"


def scene_of(name: str, *, data: str | None = None, analysis: dict[str, Any] | None = None,
             curves: str = "auto", **kw: Any) -> Scene:
    loaded = load_map(DATA / name, data=None if data is None else DATA / data,
                      scenario=kw.pop("scenario", None), persona=kw.get("persona"))
    return build_scene(loaded.map, loaded.overlay, analysis=analysis,
                       curves=scenario_curves(loaded, curves), scenario=loaded.scenario, **kw)


@pytest.fixture
def scene() -> Callable[..., Scene]:
    return scene_of
