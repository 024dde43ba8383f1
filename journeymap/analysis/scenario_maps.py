"""The scenarios of one loaded map, each derived once per run from the loaded map itself.

A report with opportunities needs the map's scenarios three times: to price the opportunities
that name one (:mod:`journeymap.analysis.portfolio`), to switch between them in the interactive
report (:mod:`journeymap.render.report_views`) and to draw one emotion curve per scenario
(:mod:`journeymap.render.build`). :class:`ScenarioMaps` is the one loader they share: each
scenario is derived from the tree the map was read from (:func:`journeymap.io.load_scenario`),
never from the file on disk again, so a map read at a git revision or from bytes gives the
scenarios of that text; and each is derived once per run.

>>> from journeymap.io import load_map
>>> text = b'''
... journeymap: 1
... id: shop
... title: Shop
... stages:
...   - id: buy
...     name: Buy
...     touchpoints:
...       - {id: cart, name: Cart, entries: 10, next: {paid: 6}}
...       - {id: paid, name: Paid, goal: true}
... scenarios:
...   to-be:
...     add: {buy: [{id: wallet, name: Wallet, next: {paid: 1}}]}
... '''
>>> maps = ScenarioMaps(load_map("not-on-disk.yaml", text=text))
>>> [t.id for _, t in maps.get("to-be").map.iter_touchpoints()]
['cart', 'paid', 'wallet']
>>> maps.get("to-be") is maps.get("to-be"), maps.get(None).map is maps.loaded.map
(True, True)
"""

from __future__ import annotations

from journeymap.io import LoadedMap, load_scenario


class ScenarioMaps:
    """Every scenario of `loaded`'s map (and the map as written), loaded once and kept.

    A map from :meth:`get` carries no overlay and no persona: it is the map only. The loaded
    scenario itself is `loaded` (its map object is the one the run analyses)."""

    __slots__ = ("_maps", "loaded")

    def __init__(self, loaded: LoadedMap) -> None:
        self.loaded = loaded
        self._maps: dict[str | None, LoadedMap] = {}

    @property
    def names(self) -> list[str]:
        """The scenarios of the map as written, in the map's order."""
        return list(self.get(None).map.scenarios)

    def get(self, scenario: str | None) -> LoadedMap:
        """The map with `scenario` applied (None: as written)."""
        if scenario not in self._maps:
            if scenario == self.loaded.scenario:
                self._maps[scenario] = _map_only(self.loaded)
            else:
                self._maps[scenario] = load_scenario(self.loaded, scenario)
        return self._maps[scenario]


def _map_only(loaded: LoadedMap) -> LoadedMap:
    """`loaded` without its overlay and persona (the same map object)."""
    from dataclasses import replace

    return replace(loaded, overlay=None, overlay_raw=None, overlay_display=None, persona=None)
