"""Evidence and ownership on the poster: a mark per evidence kind, the owner, and the age of an
assumption.

**Marks.** Each kind has a shape and fill as well as a colour, so the kinds stay apart in
greyscale and for every common colour-vision deficiency: observed is a filled circle,
reported a half-filled circle, assumed a hollow circle, proposed a filled diamond; the
colours are Okabe-Ito (Okabe & Ito 2008: bluish green, blue, orange, reddish purple), and the
print theme draws all four in black. A card shows one mark per kind it has, in that order.

**Age of an assumption.** Counted from the evidence ``date`` to the last day of the period the
numbers describe (the overlay's, else the map's: :attr:`Scene.period_end`), the day
``journeymap check`` counts to as well (JM206), in whole calendar months (days below one
month). A map without a period shows the assumption's date instead of an age: any age would
depend on the day the poster is drawn, and the same map must give the same bytes. Undated
assumptions say so.

>>> import datetime as dt
>>> months_between(dt.date(2025, 7, 20), dt.date(2026, 9, 30))
14
>>> months_between(dt.date(2026, 1, 31), dt.date(2026, 2, 28))  # February's last day
1
>>> months_between(dt.date(2026, 1, 31), dt.date(2026, 2, 27))
0
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.i18n import Translator
from journeymap.model import Evidence, EvidenceKind, Touchpoint
from journeymap.render.scene import Scene
from journeymap.render.text import mpl_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D


@dataclass(frozen=True)
class Mark:
    """How one evidence kind is drawn: a matplotlib marker, its fill style and colour."""

    marker: str
    fill: str
    color: str


MARKS: dict[EvidenceKind, Mark] = {
    EvidenceKind.OBSERVED: Mark("o", "full", "#009E73"),
    EvidenceKind.REPORTED: Mark("o", "left", "#0072B2"),
    EvidenceKind.ASSUMED: Mark("o", "none", "#E69F00"),
    EvidenceKind.PROPOSED: Mark("D", "full", "#CC79A7"),
}
"""The mark of every evidence kind, in the order cards and the legend show them."""


def kind_word(t: Translator, kind: EvidenceKind) -> str:
    """The name of an evidence kind in the legend, in the translator's language."""
    words = {
        EvidenceKind.OBSERVED: t.pgettext("evidence", "observed"),
        EvidenceKind.REPORTED: t.pgettext("evidence", "reported"),
        EvidenceKind.ASSUMED: t.pgettext("evidence", "assumed"),
        EvidenceKind.PROPOSED: t.pgettext("evidence", "proposed"),
    }
    return words[kind]


def kinds(tp: Touchpoint) -> list[EvidenceKind]:
    """The evidence kinds of a touchpoint, each once, in the order of :data:`MARKS`."""
    present = {ev.kind for ev in tp.evidence_list}
    return [kind for kind in MARKS if kind in present]


def has_evidence(scene: Scene) -> bool:
    return any(tp.evidence_list for _, tp in scene.map.iter_touchpoints())


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end` (a month is complete on the same day of the
    month, or on the month's last day when it is shorter)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    next_day = end + dt.timedelta(days=1)
    end_of_month = next_day.month != end.month
    if end.day < start.day and not end_of_month:
        months -= 1
    return max(months, 0)


def oldest_assumption(tp: Touchpoint) -> Evidence | None:
    """The touchpoint's oldest dated assumed evidence, else its first undated one."""
    assumed = [ev for ev in tp.evidence_list if ev.kind == EvidenceKind.ASSUMED]
    dated = [ev for ev in assumed if ev.date is not None]
    if dated:
        return min(dated, key=lambda ev: ev.date or dt.date.max)
    return assumed[0] if assumed else None


def age_text(scene: Scene, date: dt.date | None) -> str:
    """How old an assumption is, in the scene's language: ``14 months``, ``9 days``, or the
    date without a period, or ``undated``."""
    t = scene.t
    if date is None:
        return t.pgettext("evidence", "undated")
    ref = scene.period_end
    if ref is None:
        return t.gettext("dated {date}").format(date=date.isoformat())
    months = months_between(date, ref)
    if months >= 1:
        return t.ngettext("{n} month", "{n} months", months).format(n=months)
    days = max((ref - date).days, 0)
    return t.ngettext("{n} day", "{n} days", days).format(n=days)


def card_note(scene: Scene, tp: Touchpoint) -> str:
    """The small line at the foot of a touchpoint card: owner and the age of an assumption."""
    t = scene.t
    bits = []
    if tp.owner:
        bits.append(t.gettext("owner: {owner}").format(owner=mpl_text(tp.owner)))
    ev = oldest_assumption(tp)
    if ev is not None:
        bits.append(t.gettext("assumed, {age}").format(age=age_text(scene, ev.date)))
    return "\n".join(bits)


def _line(
    scene: Scene, kind: EvidenceKind, size: float, xy: tuple[list[float], list[float]], alt: str
) -> Line2D:
    """A marker-only line of one kind; `alt` fills the empty half of the half-filled mark."""
    from matplotlib.lines import Line2D

    mark = MARKS[kind]
    color = scene.theme.foreground if scene.theme.name == "print" else mark.color
    return Line2D(
        *xy,
        marker=mark.marker,
        fillstyle=mark.fill,  # type: ignore[arg-type]
        color=color,
        markeredgecolor=color,
        markerfacecoloralt=alt,
        markersize=size,
        markeredgewidth=max(size / 6, 0.8),
        ls="none",
        label=kind_word(scene.t, kind),
    )


def draw_marks(
    fig: Figure, scene: Scene, tp: Touchpoint, at: tuple[float, float], size: float
) -> None:
    """The marks of a card, left to right from `at` (the first mark's centre, figure fraction)."""
    x, y = at
    step = size * 1.6 / 72 / fig.get_figwidth()
    for i, kind in enumerate(kinds(tp)):
        line = _line(scene, kind, size, ([x + i * step], [y]), scene.theme.node)
        line.set_transform(fig.transFigure)
        line.set_zorder(6)
        fig.add_artist(line)


def legend_handles(scene: Scene, size: float) -> list[Line2D]:
    """One legend entry per evidence kind (all four, named in the scene's language)."""
    return [_line(scene, kind, size, ([], []), scene.theme.background) for kind in MARKS]
