"""Each arm of an experiment, and each arm against the control (:mod:`journeymap.analysis.experiment`).

Per arm (:class:`Arm`): customers, conversions and the conversion with its Wilson interval.
The split (:func:`srm`): chi-square of the customers per arm against the planned one. Each arm
against the control on conversion (:func:`compare_arms`: Newcombe difference, Katz lift,
pooled z or Fisher, Holm, chance to beat, mixture SPRT) and on the drop-off of each touchpoint
(:func:`touchpoint_differences`, Benjamini-Hochberg). Every formula is in :mod:`journeymap.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from journeymap import stats
from journeymap.analysis.experiment_plan import Design
from journeymap.analysis.flow import Flow

SRM_THRESHOLD = 0.001
"""A sample-ratio-mismatch p-value under this marks the readout invalid (Fabijan et al. 2019)."""


@dataclass(frozen=True)
class Arm:
    name: str
    customers: int
    excluded: int
    conversions: int
    conversion: float | None
    conversion_interval: tuple[float, float] | None
    started_at_goal: int = 0
    """Customers whose journey started at a goal (:func:`journeymap.facts.goal_starts`): outside
    the conversion chain, so in neither ``customers`` nor ``conversions``; counted here."""


@dataclass(frozen=True)
class Srm:
    statistic: float
    p_value: float
    expected_split: tuple[float, ...]
    mismatch: bool


@dataclass(frozen=True)
class Comparison:
    arm: str
    metric: str
    control_value: float | None
    value: float | None
    difference: float | None
    difference_interval: tuple[float, float] | None
    relative_lift: float | None
    relative_lift_interval: tuple[float, float] | None
    test: str
    p_value: float
    p_value_adjusted: float
    sequential_p_value: float | None
    sequential_p_value_adjusted: float | None
    confidence_sequence: tuple[float, float] | None
    chance_to_beat_control: float


@dataclass(frozen=True)
class TouchpointDifference:
    arm: str
    touchpoint: str
    name: str
    control_drop_off: float
    drop_off: float
    difference: float
    difference_interval: tuple[float, float] | None
    relative_change_interval: tuple[float, float] | None
    p_value: float
    q_value: float


def arm_of(
    name: str, flows: dict[str, Flow], goals: Sequence[str], starts: int, excluded: int = 0
) -> Arm:
    """Customers = journeys started outside the goals; conversions = customers at a goal, less
    the ``starts`` customers whose journey started at one (:func:`journeymap.facts.goal_starts`:
    neither entered nor converted)."""
    customers = sum(f.entries for f in flows.values() if f.id not in goals)
    at_goal = sum(flows[g].customers or 0 for g in goals if g in flows)
    conversions = min(max(at_goal - starts, 0), customers)
    return Arm(
        name,
        customers,
        excluded,
        conversions,
        stats.ratio(conversions, customers),
        stats.wilson_interval(conversions, customers),
        starts,
    )


def _expected_split(names: Sequence[str], split: dict[str, float]) -> tuple[float, ...]:
    named = sum(split.get(n, 0.0) for n in names)
    rest = [n for n in names if n not in split]
    left = max(1.0 - named, 0.0)
    shares = [split[n] if n in split else left / len(rest) for n in names]
    total = sum(shares)
    return tuple(s / total for s in shares) if total > 0 else tuple(1 / len(names) for _ in names)


def srm(arms: Sequence[Arm], split: dict[str, float]) -> Srm:
    """Chi-square goodness of fit of the customers assigned per arm against the planned split.

    Assigned: the arm's customers and those whose journey started at a goal (left out of the
    conversion, not of the assignment: an arm that converts more at the first event is not a
    broken split)."""
    expected = _expected_split([a.name for a in arms], split)
    assigned = [a.customers + a.started_at_goal for a in arms]
    stat, p = stats.chi_square_goodness_of_fit(assigned, expected)
    return Srm(stat, p, expected, p < SRM_THRESHOLD)


# --------------------------------------------------------------------------- comparisons


def p_value(x1: int, n1: int, x2: int, n2: int) -> tuple[str, float]:
    """Two-sided p-value of equal proportions: Fisher's exact test when an expected cell
    ``row total x column total / N`` is under 5, else the pooled z test.

    >>> p_value(1, 10, 6, 10)[0], p_value(100, 1000, 130, 1000)[0]
    ('fisher', 'z')
    """
    total, successes = n1 + n2, x1 + x2
    failures = total - successes
    cells = [n * c / total for n in (n1, n2) for c in (successes, failures)] if total else [0.0]
    if min(cells) < 5:
        return "fisher", stats.fisher_exact(x1, n1, x2, n2)
    return "z", stats.two_proportion_test(x1, n1, x2, n2, alternative="two-sided")


def compare_arms(control: Arm, others: Sequence[Arm], design: Design) -> list[Comparison]:
    """Each arm against the control on conversion, with Holm across arms."""
    base = control.conversion or 0.0
    tau = design.effect.absolute(base) if base > 0 else design.effect.value
    rows = []
    for arm in others:
        test, p = p_value(control.conversions, control.customers, arm.conversions, arm.customers)
        seq = stats.msprt_two_proportions(
            control.conversions,
            control.customers,
            arm.conversions,
            arm.customers,
            tau=abs(tau),
            alpha=design.alpha,
        )
        rows.append((arm, test, p, seq))
    adjusted = stats.holm([p for _, _, p, _ in rows])
    seq_adjusted = stats.holm([1.0 if s is None else s.p_value for *_, s in rows])
    out = []
    for (arm, test, p, seq), padj, sadj in zip(rows, adjusted, seq_adjusted, strict=True):
        c, v = control.conversion, arm.conversion
        out.append(
            Comparison(
                arm=arm.name,
                metric="conversion",
                control_value=c,
                value=v,
                difference=None if c is None or v is None else v - c,
                difference_interval=stats.newcombe_difference(
                    control.conversions, control.customers, arm.conversions, arm.customers
                ),
                relative_lift=None if not c or v is None else v / c - 1,
                relative_lift_interval=stats.katz_ratio_interval(
                    control.conversions, control.customers, arm.conversions, arm.customers
                ),
                test=test,
                p_value=p,
                p_value_adjusted=padj,
                sequential_p_value=None if seq is None else seq.p_value,
                sequential_p_value_adjusted=None if seq is None else sadj,
                confidence_sequence=None if seq is None else seq.interval,
                chance_to_beat_control=stats.chance_to_beat(
                    control.conversions, control.customers, arm.conversions, arm.customers
                ),
            )
        )
    return out


def touchpoint_differences(
    control: str, flows: dict[str, dict[str, Flow]], goals: Sequence[str]
) -> list[TouchpointDifference]:
    """Drop-off ``exits / customers`` per touchpoint and arm against the control, BH across all."""
    rows: list[tuple[str, Flow, Flow]] = []
    for arm, table in flows.items():
        if arm == control:
            continue
        for tid, f in table.items():
            c = flows[control].get(tid)
            if tid in goals or c is None or not c.customers or not f.customers:
                continue
            rows.append((arm, c, f))
    tests = [
        p_value(
            min(c.exits, c.customers or 0),
            c.customers or 0,
            min(f.exits, f.customers or 0),
            f.customers or 0,
        )[1]
        for _, c, f in rows
    ]
    out = []
    for (arm, c, f), p, q in zip(rows, tests, stats.benjamini_hochberg(tests), strict=True):
        xc, nc = min(c.exits, c.customers or 0), c.customers or 0
        xt, nt = min(f.exits, f.customers or 0), f.customers or 0
        out.append(
            TouchpointDifference(
                arm=arm,
                touchpoint=f.id,
                name=f.name,
                control_drop_off=xc / nc,
                drop_off=xt / nt,
                difference=xt / nt - xc / nc,
                difference_interval=stats.newcombe_difference(xc, nc, xt, nt),
                relative_change_interval=stats.katz_ratio_interval(xc, nc, xt, nt),
                p_value=p,
                q_value=q,
            )
        )
    return out
