"""The poster's key figures of the period: service times in each touchpoint's key-figures cell
and the business figures in the header, printed through :mod:`journeymap.figures`."""

from __future__ import annotations

from journeymap.analysis.business_service import SERVICE_TIMES, ServiceName
from journeymap.figures import MISSING, number, time_unit
from journeymap.figures_cx import cx_label, cx_value
from journeymap.i18n import N_
from journeymap.render.scene import Scene

_SERVICE_WORDS: dict[ServiceName, str] = {
    "first_response_time": N_("reply"),
    "resolution_time": N_("resolve"),
}


def service_lines(scene: Scene, tid: str) -> list[str]:
    """A touchpoint's service times in a key-figures cell: median and p90 in the time's short
    unit ("biz" for business hours; the mean when only it is known); a time the period does
    not measure says so."""
    service = None if scene.analysis is None else scene.analysis.metrics.touchpoints.get(tid)
    if service is None:
        return []
    lines = []
    for name in SERVICE_TIMES:
        t = service.time(name)
        if t is None:
            continue
        word = scene.t.gettext(_SERVICE_WORDS[name])
        unit = time_unit(t.unit, lang=scene.lang)
        if t.hours == "business":
            unit += " " + scene.t.gettext("biz")
        if t.median is not None:
            text = f"{word} {_short_number(t.median, scene.lang)}"
            text += f", p90 {_short_number(t.p90, scene.lang)}" if t.p90 is not None else ""
            text += f" {unit}"
        elif t.mean is not None:
            mean = f"{_short_number(t.mean, scene.lang)} {unit}"
            text = scene.t.gettext("{what} mean {time}").format(what=word, time=mean)
        else:
            text = f"{word}: {_short(t.reason_in(scene.t))}"
        lines.append(text)
    return lines


def business_line(scene: Scene) -> str:
    """The period's business figures in one line for the poster's header (empty without)."""
    if scene.analysis is None:
        return ""
    parts = []
    for f in scene.analysis.metrics.figures.values():
        label = cx_label(f.name, lang=scene.lang)
        value = cx_value(f.name, f.value, scene.currency, f.margin_adjusted, lang=scene.lang)
        reason = _short(f.reason_in(scene.t))
        parts.append(f"{label} {value}" if f.value is not None else f"{label}: {reason}")
    return " · ".join(parts)


def _short_number(x: float | None, lang: str) -> str:
    """One decimal below 10, none from 10 on (``3.8``, ``12``)."""
    return number(x, 1 if x is not None and x < 10 else 0, lang=lang)


def _short(reason: str | None) -> str:
    """The head of a reason ("not measured in 2026-Q2", "no samples") for a small cell: up to
    its colon (a full-width one in Chinese).

    >>> _short("not measured in 2026-Q2: the overlay does not carry it"), _short(None)
    ('not measured in 2026-Q2', '–')
    >>> _short("2026-Q2 未量測：疊加資料未提供")
    '2026-Q2 未量測'
    """
    return MISSING if not reason else reason.replace("：", ":").split(":")[0]
