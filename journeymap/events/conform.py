"""Conformance of a log to a map: shadow paths, unused parts, unmapped events (codes JM4xx).

| code | finding |
|---|---|
| JM401 | shadow path: customers take a transition the map does not declare |
| JM402 | a declared transition nobody takes |
| JM403 | a touchpoint nobody visits |
| JM404 | an event name no rule maps |

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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeymap.model import JourneyMap, Overlay


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    touchpoint: str | None = None
    target: str | None = None
    count: int = 0
    share: float | None = None


@dataclass
class Conformance:
    coverage: float | None
    undeclared_share: float | None
    """Transitions on undeclared (shadow) paths / all transitions."""
    transitions: int
    shadow_paths: list[Finding] = field(default_factory=list)
    unused_transitions: list[Finding] = field(default_factory=list)
    unused_touchpoints: list[Finding] = field(default_factory=list)
    unmapped: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [*self.shadow_paths, *self.unused_transitions, *self.unused_touchpoints, *self.unmapped]

    def to_dict(self) -> dict[str, Any]:
        def row(f: Finding) -> dict[str, Any]:
            return {"code": f.code, "touchpoint": f.touchpoint, "target": f.target, "count": f.count,
                    "share": f.share, "message": f.message}

        return {
            "coverage": self.coverage, "undeclared_share": self.undeclared_share,
            "transitions": self.transitions,
            "shadow_paths": [row(f) for f in self.shadow_paths],
            "unused_transitions": [row(f) for f in self.unused_transitions],
            "unused_touchpoints": [row(f) for f in self.unused_touchpoints],
            "unmapped": [row(f) for f in self.unmapped],
        }


def conformance(jm: JourneyMap, overlay: Overlay) -> Conformance:
    """Compare an overlay made from events with the map's declarations."""
    tps = overlay.touchpoints
    total = sum(sum(t.next.values()) for t in tps.values())
    shadow: list[Finding] = []
    unused_tr: list[Finding] = []
    unused_tp: list[Finding] = []
    for _, tp in jm.iter_touchpoints():
        data = tps.get(tp.id)
        observed = data.next if data is not None else {}
        declared = tp.transitions
        for target, count in observed.items():
            if target not in declared and count:
                share = count / total if total else None
                shadow.append(Finding("JM401", f"shadow path {tp.id} -> {target}: {count:,} transitions "
                                      f"({(share or 0):.1%} of flow), not declared in the map",
                                      tp.id, target, count, share))
        for target in declared:
            if not observed.get(target):
                unused_tr.append(Finding("JM402", f"declared transition {tp.id} -> {target} is never taken",
                                         tp.id, target))
        if data is None or not data.visits:
            unused_tp.append(Finding("JM403", f"touchpoint '{tp.id}' is never visited", tp.id))
    shadow.sort(key=lambda f: (-f.count, f.touchpoint or "", f.target or ""))
    unmapped = [Finding("JM404", f"event '{name}' is not mapped to any touchpoint: {n:,} events",
                        None, name, n)
                for name, n in sorted(overlay.unmapped.items(), key=lambda kv: (-kv[1], kv[0]))]
    shadow_total = sum(f.count for f in shadow)
    return Conformance(overlay.coverage, shadow_total / total if total else None, total,
                       shadow, unused_tr, unused_tp, unmapped)
