"""The report's "Assumptions to verify" table (issue 15).

One row per touchpoint with ``assumed`` evidence (evidence is recorded on touchpoints; the
statements of a touchpoint, its thoughts, pain points and opportunities, share its evidence):
the touchpoint and its stage, the sources of its assumptions, the date and age of the oldest
one (:func:`journeymap.render.evidence.age_text`, counted to the end of the period), its owner,
and the value at stake: the ``lost_value`` of the touchpoint's leak from the analysis
(:meth:`Scene.leak`; blank when the touchpoint is no leak or the goal has no value). Rows are
sorted by the value at stake, highest first, then in map order, so the assumption that would
cost most if it is wrong is checked first. The table has the class ``jm-sortable`` so the
interactive report can re-sort it; each value cell carries its raw number in ``data-value``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from journeymap.figures import MISSING, whole_money
from journeymap.model import EvidenceKind
from journeymap.render.evidence import age_text, oldest_assumption
from journeymap.render.report_data import Cell, td
from journeymap.render.scene import Scene


@dataclass(frozen=True)
class AssumptionRow:
    touchpoint: str
    stage: str
    source: str
    date: str
    age: str
    owner: str
    value: str
    value_sort: str
    """The value at stake as a plain number for sorting ('' when none)."""

    @property
    def value_cell(self) -> Cell:
        """The value at stake as the table writes it (:func:`report_data.td`)."""
        return Cell(self.value, float(self.value_sort) if self.value_sort else None)


@dataclass(frozen=True)
class AssumptionsSection:
    heading: str
    note: str
    header: tuple[str, ...]
    rows: tuple[AssumptionRow, ...]


def assumption_rows(scene: Scene) -> list[AssumptionRow]:
    """The rows of the table, highest value at stake first, then in map order."""
    keyed: list[tuple[float, int, AssumptionRow]] = []
    for order, (stage, tp) in enumerate(scene.map.iter_touchpoints()):
        ev = oldest_assumption(tp)
        if ev is None:
            continue
        sources = [
            e.source for e in tp.evidence_list if e.kind == EvidenceKind.ASSUMED and e.source
        ]
        leak = scene.leak(tp.id)
        value = None if leak is None else leak.lost_value
        row = AssumptionRow(
            touchpoint=tp.name,
            stage=stage.name,
            source="; ".join(sources) or MISSING,
            date=MISSING if ev.date is None else ev.date.isoformat(),
            age=age_text(scene, ev.date),
            owner=tp.owner or MISSING,
            value="" if value is None else whole_money(value, scene.currency, lang=scene.lang),
            value_sort="" if value is None else repr(value),
        )
        keyed.append((-(value if value is not None else float("-inf")), order, row))
    return [row for *_, row in sorted(keyed, key=lambda x: (x[0], x[1]))]


def assumptions_section(scene: Scene) -> AssumptionsSection | None:
    """The section's text and rows (None when the map has no assumed evidence)."""
    rows = assumption_rows(scene)
    if not rows:
        return None
    t = scene.t
    return AssumptionsSection(
        heading=t.gettext("Assumptions to verify"),
        note=t.gettext(
            "Touchpoints whose content the team assumes but has not checked, the most valuable "
            "first: the value at stake is what the touchpoint's leak loses in the period."
        ),
        header=(
            t.pgettext("assumptions table", "Touchpoint"),
            t.pgettext("assumptions table", "Stage"),
            t.pgettext("assumptions table", "Source"),
            t.pgettext("assumptions table", "Date"),
            t.pgettext("assumptions table", "Age"),
            t.pgettext("assumptions table", "Owner"),
            t.pgettext("assumptions table", "Value at stake"),
        ),
        rows=tuple(rows),
    )


def assumptions_html(scene: Scene) -> str:
    """The section as HTML ('' when there is nothing to verify), from its own template partial
    with autoescape on, like the rest of the report."""
    import jinja2

    section = assumptions_section(scene)
    if section is None:
        return ""
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    env.globals["td"] = td
    template = env.from_string(
        resources.files("journeymap.render")
        .joinpath("templates/report_assumptions.html.j2")
        .read_text(encoding="utf-8")
    )
    return template.render(section=section)
