"""The scenarios and personas the interactive report switches between, each with its analysis.

A view is one choice of scenario (the map as written, or one of its ``scenarios:``) and persona
(all personas weighted by share, or one). The analysis depends on the scenario only (a persona
changes the emotions, not the counts), so one analysis serves every persona of a scenario; each
scenario is analysed as ``journeymap analyze --scenario`` does, its map derived once from the
loaded map (:class:`journeymap.analysis.scenario_maps.ScenarioMaps`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.model import JourneyMap, Overlay
from journeymap.render.scene import Scene, build_scene

if TYPE_CHECKING:
    from journeymap.analysis import Analysis
    from journeymap.analysis.scenario_maps import ScenarioMaps


@dataclass(frozen=True)
class Variant:
    """One scenario of the map with its analysis (shared by every persona of the scenario)."""

    scenario: str | None
    name: str | None
    """The scenario's name as the map writes it (None: the map as written)."""
    map: JourneyMap
    overlay: Overlay | None
    analysis: Analysis | None


@dataclass(frozen=True)
class Variants:
    """The scenarios the report offers, and how many of the map's it leaves out."""

    items: tuple[Variant, ...]
    left_out: int = 0


def report_variants(
    maps: ScenarioMaps, analysis: Analysis | None, *, goal: str | None, samples: int, seed: int
) -> Variants:
    """The scenarios the report can switch between (the map as written first), each with its
    analysis as ``journeymap analyze --scenario`` computes it, the maps from the run's one
    loader (`maps`, derived from the loaded map, not the disk). With measured data only the
    loaded scenario: the overlay describes one journey, so the others are counted as left out."""
    from journeymap.render.build import analysis_of

    loaded = maps.loaded
    written = maps.get(None).map
    this = Variant(
        loaded.scenario,
        _scenario_name(written, loaded.scenario),
        loaded.map,
        loaded.overlay,
        analysis,
    )
    if not written.scenarios or loaded.overlay is not None:
        return Variants((this,), left_out=len(written.scenarios))
    out = []
    for name in [None, *written.scenarios]:
        if name == loaded.scenario:
            out.append(this)
            continue
        other = maps.get(name)
        a = None if analysis is None else analysis_of(other, goal=goal, samples=samples, seed=seed)
        out.append(Variant(name, _scenario_name(written, name), other.map, None, a))
    return Variants(tuple(out))


def _scenario_name(written: JourneyMap, scenario: str | None) -> str | None:
    if scenario is None:
        return None
    return written.scenarios[scenario].name or scenario


def left_out(scene: Scene, variants: Variants) -> str | None:
    """Why the views offer fewer scenarios than the map has, or None."""
    n = variants.left_out
    if n == 0:
        return None
    return scene.t.ngettext(
        "{n} scenario of the map is not offered: the data describe one journey.",
        "{n} scenarios of the map are not offered: the data describe one journey.",
        n,
    ).format(n=n)


def view_personas(base: Scene, variants: Sequence[Variant]) -> list[str | None]:
    """The personas to switch between (None: all, weighted by share); with a segment
    overlay, only the persona it was chosen for (the other personas' data are not loaded)."""
    overlay = variants[0].overlay
    if base.persona is not None and overlay is not None and overlay.segment is not None:
        return [base.persona]
    return [None, *(p.id for p in base.map.personas)]


def variant_scenes(
    base: Scene, variants: Sequence[Variant], *, goal: str | None
) -> list[tuple[int, int, Scene]]:
    """One scene per scenario and persona: ``(scenario index, persona index, scene)``."""
    personas = view_personas(base, variants)
    out = []
    for si, v in enumerate(variants):
        for pi, persona in enumerate(personas):
            scene = build_scene(
                v.map,
                v.overlay,
                analysis=v.analysis,
                persona=persona,
                scenario=v.scenario,
                goal=goal,
                lang=base.lang,
                curves=[],
            )
            out.append((si, pi, scene))
    return out
