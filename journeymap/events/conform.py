"""Conformance of a log to a map: shadow paths, unused parts, unmapped events (codes JM4xx).

| code | finding |
|---|---|
| JM401 | shadow path: customers take a transition the map does not declare |
| JM402 | a declared transition nobody takes |
| JM403 | a touchpoint nobody visits |
| JM404 | an event name no rule maps |

The findings are :class:`~journeymap.findings.Finding` values, the type ``journeymap check``
produces, so ``journeymap.report.checks`` renders them in every format. Each code lists its
findings most important first (shadow paths and unmapped events by volume).

>>> from journeymap.model import JourneyMap, Overlay
>>> m = JourneyMap.model_validate({"journeymap": 1, "id": "m", "title": "M", "stages": [
...     {"id": "s", "name": "S", "touchpoints": [
...         {"id": "a", "name": "A", "next": ["b"]}, {"id": "b", "name": "B"},
...         {"id": "c", "name": "C"}]}]})
>>> o = Overlay.model_validate({"journeymap-data": 1, "map": "m", "touchpoints": {
...     "a": {"visits": 4, "next": {"c": 3}}, "b": {"visits": 0}, "c": {"visits": 3}},
...     "unmapped": {"x": 2}, "coverage": 0.8})
>>> r = conformance(m, o)
>>> [(f.code, f.message) for f in r.findings]  # doctest: +NORMALIZE_WHITESPACE
[('JM401', 'shadow path a -> c: 3 transitions (100.0% of flow), not declared in the map'),
 ('JM402', 'declared transition a -> b is never taken'),
 ('JM403', "touchpoint 'b' is never visited"),
 ('JM404', "event 'x' is not mapped to any touchpoint: 2 events")]
>>> r.undeclared_share, r.transitions
(1.0, 3)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from journeymap.figures import percent
from journeymap.findings import Finding, Severity, touchpoint_subject
from journeymap.io import LoadedMap
from journeymap.model import JourneyMap, Overlay
from journeymap.source import Position

RULES: dict[str, tuple[str, str]] = {
    "JM401": ("conform.shadow_path", "Customers take a transition the map does not declare."),
    "JM402": ("conform.unused_transition", "A declared transition nobody takes."),
    "JM403": ("conform.unvisited_touchpoint", "A touchpoint nobody visits."),
    "JM404": ("conform.unmapped_event", "An event name no rule of the map maps."),
}
"""Every conformance code: its dotted name and a one-line summary."""


@dataclass(frozen=True)
class Conformance:
    """How far a log follows a map: the figures, and the findings of every code in order."""

    coverage: float | None
    """Mapped events / all events (the overlay's ``coverage``)."""
    undeclared_share: float | None
    """Transitions on undeclared (shadow) paths / all transitions; None without transitions."""
    transitions: int
    findings: tuple[Finding, ...]

    def of(self, code: str) -> list[Finding]:
        """The findings of one code, most important first."""
        return [f for f in self.findings if f.code == code]

    def figures(self) -> dict[str, Any]:
        """The figures for reports (the ``figures`` of the JSON findings document)."""
        return {
            "coverage": self.coverage,
            "undeclared_share": self.undeclared_share,
            "transitions": self.transitions,
        }


def _finding(
    code: str, message: str, position: Position | None, subject: str, hint: str, **data: Any
) -> Finding:
    name = RULES[code][0]
    return Finding(
        code, name, Severity.WARNING, message, position, subject, hint, tuple(sorted(data.items()))
    )


def _next_position(loaded: LoadedMap | None, tid: str, target: str) -> Position | None:
    """Where `tid` declares `target` under ``next`` (a list item or a mapping key)."""
    if loaded is None:
        return None
    tp = loaded.map.touchpoints[tid]
    key: Any = target if isinstance(tp.next, dict) else tp.next.index(target)
    return loaded.touchpoint_position(tid, "next", key) or loaded.touchpoint_position(tid)


def _touchpoint_position(loaded: LoadedMap | None, tid: str) -> Position | None:
    if loaded is None:
        return None
    return loaded.touchpoint_position(tid, "id") or loaded.touchpoint_position(tid)


def _never_taken(
    loaded: LoadedMap | None, tid: str, declared: Iterable[str], observed: Mapping[str, int]
) -> list[Finding]:
    """JM402: the transitions ``tid`` declares that no customer took."""
    return [
        _finding(
            "JM402",
            f"declared transition {tid} -> {target} is never taken",
            _next_position(loaded, tid, target),
            touchpoint_subject(tid),
            "remove it from next, or check the events of both touchpoints",
            touchpoint=tid,
            target=target,
            count=0,
        )
        for target in declared
        if not observed.get(target)
    ]


def _never_visited(loaded: LoadedMap | None, tid: str) -> Finding:
    """JM403: the touchpoint ``tid`` that nobody visits."""
    return _finding(
        "JM403",
        f"touchpoint '{tid}' is never visited",
        _touchpoint_position(loaded, tid),
        touchpoint_subject(tid),
        "check its events (the name or rules that map to it)",
        touchpoint=tid,
        count=0,
    )


def _shadow_paths(
    loaded: LoadedMap | None, paths: Iterable[tuple[int, str, str]], total: int
) -> list[Finding]:
    """JM401: the undeclared transitions ``(count, from, to)``, the most taken first."""
    return [
        _finding(
            "JM401",
            f"shadow path {tid} -> {target}: {count:,} transitions "
            f"({percent(count / total if total else 0)} of flow), not declared in the map",
            _touchpoint_position(loaded, tid),
            touchpoint_subject(tid),
            f"declare '{target}' under next, or fix the events that map to it",
            touchpoint=tid,
            target=target,
            count=count,
            share=count / total if total else None,
        )
        for count, tid, target in sorted(paths, key=lambda p: (-p[0], p[1], p[2]))
    ]


def _unmapped(overlay: Overlay) -> list[Finding]:
    """JM404: the event names no rule maps, by volume."""
    return [
        _finding(
            "JM404",
            f"event '{name}' is not mapped to any touchpoint: {n:,} events",
            None,
            f"event:{name}",
            "list it under a touchpoint's events, or leave it out of the log",
            target=name,
            count=n,
        )
        for name, n in sorted(overlay.unmapped.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def conformance(source: JourneyMap | LoadedMap, overlay: Overlay) -> Conformance:
    """Compare an overlay made from events with the map's declarations.

    With a :class:`~journeymap.io.LoadedMap` every finding on a touchpoint points at the YAML
    that declares it (a never-taken transition at its ``next`` entry).
    """
    loaded = source if isinstance(source, LoadedMap) else None
    jm = source.map if isinstance(source, LoadedMap) else source
    tps = overlay.touchpoints
    total = sum(sum(t.next.values()) for t in tps.values())
    shadow_paths: list[tuple[int, str, str]] = []
    unused_tr: list[Finding] = []
    unused_tp: list[Finding] = []
    for _, tp in jm.iter_touchpoints():
        data = tps.get(tp.id)
        observed = data.next if data is not None else {}
        declared = tp.transitions
        shadow_paths += [
            (count, tp.id, target)
            for target, count in observed.items()
            if target not in declared and count
        ]
        unused_tr += _never_taken(loaded, tp.id, declared, observed)
        if data is None or not data.visits:
            unused_tp.append(_never_visited(loaded, tp.id))
    shadow = _shadow_paths(loaded, shadow_paths, total)
    shadow_total = sum(count for count, _, _ in shadow_paths)
    return Conformance(
        overlay.coverage,
        shadow_total / total if total else None,
        total,
        (*shadow, *unused_tr, *unused_tp, *_unmapped(overlay)),
    )
