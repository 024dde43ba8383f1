"""The sentences of an experiment readout: the decision's reason and the notes (issue 15).

Each sentence is a :class:`journeymap.findings.Text`: a gettext msgid with named fields, numbers
as :class:`~journeymap.findings.Number` (printed in the language the sentence is written in).
The readout keeps the values; JSON, CSV and GitHub annotations write them in English
(``Text.format()``, byte for byte the sentences of before), the table, Markdown, the forest
plot, the HTML report and the deck in the run's language.

>>> print(sequential_note(12400, 5100).format())
planned 12,400 customers per arm, 5,100 so far: read the sequential figures
>>> from journeymap.i18n import translator
>>> print(sequential_note(12400, 5100).format(translator("ru")).replace("\xa0", "_"))
запланировано 12_400 клиентов на группу, набрано 5_100: смотрите последовательные показатели
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from journeymap.findings import Number, PValue, Text, text, text_of

if TYPE_CHECKING:
    from journeymap.analysis.experiment_arms import Arm, TouchpointDifference


def verbatim(sentence: str) -> Text:
    """A sentence written as given in every language (a note another layer wrote in English).

    >>> verbatim("3 rows {before} exposure").format()
    '3 rows {before} exposure'
    """
    return Text("{sentence}", (("sentence", sentence),))


def joined(parts: Sequence[Text], separator: str = "; ") -> Text:
    """Sentences one after another, each in the language of the whole.

    >>> joined([text("sequential"), text("fixed-horizon")]).format()
    'sequential; fixed-horizon'
    """
    names = [f"p{i}" for i in range(len(parts))]
    template = separator.join("{" + n + "}" for n in names)
    return Text(template, tuple(zip(names, parts, strict=True)))


def _figures(reached: bool) -> Text:
    return text("fixed-horizon") if reached else text("sequential")


def no_customers(arms: Sequence[str]) -> Text:
    """The reason of ``invalid`` when an arm has no customers."""
    return text(
        "no customers in arm {arms}",
        plural="no customers in arm {arms}",
        count=len(arms),
        arms=", ".join(arms),
    )


def sample_ratio_mismatch(p: float) -> Text:
    """The reason of ``invalid`` on a sample ratio mismatch (Fabijan et al. 2019)."""
    return text(
        "sample ratio mismatch (p {p}): the arms did not get the planned shares of customers, "
        "so assignment or tracking is broken and every difference may come from who was "
        "counted, not from the change",
        p=PValue(p),
    )


def sequential_note(planned: int, so_far: int) -> Text:
    """The note of a readout before the planned sample size."""
    return text(
        "planned {planned} customer per arm, {so_far} so far: read the sequential figures",
        plural="planned {planned} customers per arm, {so_far} so far: read the sequential figures",
        count=planned,
        planned=Number(planned, ","),
        so_far=Number(so_far, ","),
    )


def harm(arms: Sequence[str], reached: bool, alpha: float) -> Text:
    """The reason of ``harm``: arms that convert significantly worse."""
    return text(
        "{arms} converts significantly worse than the control ({figures} p < {alpha})",
        arms=", ".join(arms),
        figures=_figures(reached),
        alpha=Number(alpha, "g"),
    )


def ship(arm: str, reached: bool, alpha: float) -> Text:
    """The reason of ``ship``: the arm that converts significantly better."""
    return text(
        "{arm} converts significantly better than the control ({figures} p < {alpha})",
        arm=arm,
        figures=_figures(reached),
        alpha=Number(alpha, "g"),
    )


def needs_more(n: int) -> Text:
    """The reason of ``inconclusive`` before the planned sample size."""
    return text(
        "no significant difference yet; needs about {n} more customer per arm",
        plural="no significant difference yet; needs about {n} more customers per arm",
        count=n,
        n=Number(n, ","),
    )


def no_difference() -> Text:
    """The reason of ``inconclusive`` at the planned sample size."""
    return text(
        "no significant difference at the planned sample size: any effect is smaller than the "
        "one planned for"
    )


def arm_notes(arms: Sequence[Arm]) -> list[Text]:
    """What each arm leaves out: customers seen in two arms, journeys that started at a goal."""
    notes = []
    if any(a.excluded for a in arms):
        notes.append(
            text(
                "customers seen in two arms are excluded, counted under their first arm: {counts}",
                counts=_counts([(a.name, a.excluded) for a in arms]),
            )
        )
    if any(a.started_at_goal for a in arms):
        notes.append(
            text(
                "customers whose journey started at a goal are neither customers nor "
                "conversions of their arm: {counts}",
                counts=_counts([(a.name, a.started_at_goal) for a in arms]),
            )
        )
    return notes


def _counts(pairs: Sequence[tuple[str, int]]) -> Text:
    """``a 12, b 3``: a count per arm, the counts in the sentence's language.

    >>> _counts([("a", 1200), ("b{", 3)]).format()
    'a 1,200, b{ 3'
    """
    template = ", ".join(f"{{a{i}}} {{n{i}}}" for i in range(len(pairs)))
    fields: list[tuple[str, str | Text | Number]] = [(f"a{i}", a) for i, (a, _) in enumerate(pairs)]
    fields += [(f"n{i}", Number(c, ",")) for i, (_, c) in enumerate(pairs)]
    return Text(template, tuple(fields))


def biggest_difference(rows: Sequence[TouchpointDifference]) -> Text | None:
    """The touchpoint where the arms differ most, in plain words (smallest q, then largest gap).

    >>> from journeymap.analysis.experiment import TouchpointDifference
    >>> row = TouchpointDifference("b", "checkout", "Checkout", 0.36, 0.31, -0.05, None,
    ...                            (-0.21, -0.06), 0.001, 0.004)
    >>> print(biggest_difference([row]).format())
    b lost 14% fewer customers at Checkout (31.0% against 36.0%); 95% interval 6% to 21% fewer (q 0.004)
    """
    if not rows:
        return None
    r = min(rows, key=lambda t: (t.q_value, -abs(t.difference), t.touchpoint))
    change = r.drop_off / r.control_drop_off - 1 if r.control_drop_off else None
    if change is None:
        return text(
            "{arm} lost {drop_off} of customers at {name}, the control none",
            arm=r.arm,
            drop_off=Number(r.drop_off, ".1%"),
            name=r.name,
        )
    fewer = change < 0
    fields: dict[str, str | Number] = {
        "arm": r.arm,
        "change": Number(abs(change), ".0%"),
        "name": r.name,
        "drop_off": Number(r.drop_off, ".1%"),
        "control": Number(r.control_drop_off, ".1%"),
    }
    said = (
        text_of(
            "{arm} lost {change} fewer customers at {name} ({drop_off} against {control})", fields
        )
        if fewer
        else text_of(
            "{arm} lost {change} more customers at {name} ({drop_off} against {control})", fields
        )
    )
    return text(
        "{difference}{interval} (q {q})",
        difference=said,
        interval=_interval(r.relative_change_interval, fewer),
        q=Number(r.q_value, ".2g"),
    )


def _interval(ci: tuple[float, float] | None, fewer: bool) -> str | Text:
    """``; 95% interval 6% to 21% fewer`` (one side of zero) or ``-3% to +8%`` (both)."""
    if ci is None:
        return ""
    if ci[0] * ci[1] > 0:
        lo, hi = sorted((abs(ci[0]), abs(ci[1])))
        low, high = Number(lo, ".0%"), Number(hi, ".0%")
        if fewer:
            return text("; 95% interval {low} to {high} fewer", low=low, high=high)
        return text("; 95% interval {low} to {high} more", low=low, high=high)
    return text(
        "; 95% interval {low} to {high}", low=Number(ci[0], "+.0%"), high=Number(ci[1], "+.0%")
    )
