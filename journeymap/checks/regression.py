"""Regression gating (JM30x): the registered checks that judge a comparison with a baseline.

The comparison itself (matching by id and ``formerly``, structural changes, the guard, the
one-sided pooled z test, Benjamini-Hochberg, thresholds and verdicts) is
:mod:`journeymap.analysis.comparison` (the types) and :mod:`journeymap.analysis.gate`
(:func:`~journeymap.analysis.gate.compare_maps`); the checks context gets it at construction
(:func:`~journeymap.checks.context.make_context` with ``baseline=``). Each check here turns the
tests of one metric into outcomes: REGRESSION an error, WARN and INSUFFICIENT_DATA warnings.
"""

from __future__ import annotations

from collections.abc import Iterator

from journeymap.analysis.comparison import PROPORTIONS, Metric, Test, Verdict
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.checks.phrases import Change, Shown, Unit
from journeymap.figures import MISSING, SCORE_DIGITS, score_kind
from journeymap.findings import Field, Number, PValue, Text, text, text_of, touchpoint_subject
from journeymap.i18n import N_
from journeymap.model import Severity
from journeymap.source import Position

# ------------------------------------------------------------------------- the checks


def _position(ctx: Context, test: Test) -> Position:
    if test.subject != "map":
        return ctx.tp_position(test.subject)
    reg = ctx.checks.regression
    key = test.metric.value
    if reg is not None and getattr(reg, key, None) is not None:
        return ctx.check_position("regression", key)
    return ctx.map_position()


_WHAT = {
    Metric.DROP_OFF: N_("drop-off"),
    Metric.CONVERSION: N_("conversion"),
    Metric.NPS: N_("NPS"),
    Metric.CSAT: N_("CSAT"),
    Metric.CES: N_("CES"),
    Metric.CHURN: N_("churn"),
}
"""The figure a regression test compares, in words (msgids)."""
_UNITS: dict[Metric, Unit] = {Metric.CES: "ces", Metric.CSAT: "csat"}
"""How a compared figure that is not a proportion is written (otherwise NPS)."""


def _sizes(test: Test) -> Text:
    """The counts behind an insufficient-data verdict."""
    if test.x_before is None or test.x_after is None:
        return text(
            "{n_before} {grain} before, {n_after} now",
            n_before=Number(test.n_before),
            grain=test.grain,
            n_after=Number(test.n_after),
        )
    return text(
        "{x_before} of {n_before} {grain} before, {x_after} of {n_after} now",
        x_before=Number(test.x_before),
        n_before=Number(test.n_before),
        grain=test.grain,
        x_after=Number(test.x_after),
        n_after=Number(test.n_after),
    )


def _describe(test: Test) -> Text:
    """The sentence of a regression finding (a :class:`~journeymap.findings.Text`; its English
    form is the finding's message). Its figures are phrases (:mod:`journeymap.checks.phrases`),
    written in the language of the output."""
    frac = test.metric in PROPORTIONS
    unit: Unit = "rate" if frac else _UNITS.get(test.metric, "nps")

    def f(v: float | None) -> str | Shown:
        return MISSING if v is None else Shown(v, unit)

    scale = 100.0 if frac else 1.0
    points = test.metric in (Metric.NPS, Metric.CES)
    # a change is written to the decimals of its figure: a rate's 1, a score's detail
    kind = score_kind(unit)
    digits = 1 if kind is None else SCORE_DIGITS[kind][1]
    delta = test.delta
    subject: dict[str, str | Text] = {"what": text(_WHAT[test.metric])}
    subject["where"] = text(" at '{id}'", id=test.subject) if test.subject != "map" else ""
    subject["renamed"] = (
        text(" (was '{id}')", id=test.baseline_subject)
        if test.baseline_subject not in (test.subject, "map")
        else ""
    )
    if test.verdict == Verdict.INSUFFICIENT_DATA:
        return text_of(
            "{what}{where}{renamed}: too little data to judge ({sizes}); not compared",
            {**subject, "sizes": _sizes(test)},
        )
    figures: dict[str, Field] = {
        "before": f(test.before),
        "after": f(test.after),
        "delta": MISSING if delta is None else Change(delta * scale, f"+.{digits}f", points),
        "threshold": Change(test.threshold * scale, "g", points),
    }
    figures["tail"] = _adjusted_p(test.p_adjusted)
    if test.verdict == Verdict.REGRESSION:
        sure: str | Text = ""
        if test.confident and test.worsening_lower is not None:
            sure = text(
                "; confident: at least {lower} worse",
                lower=Change(test.worsening_lower * scale, f".{digits}f", points),
            )
        return text_of(
            "{what}{where}{renamed} got worse: {before} -> {after} "
            "({delta}, threshold {threshold}, {tail}){sure}",
            {**subject, **figures, "sure": sure},
        )
    return text_of(
        "{what}{where}{renamed} may have got worse: {before} -> {after} "
        "({delta}, threshold {threshold}) but it is not significant ({tail})",
        {**subject, **figures},
    )


def _adjusted_p(p: float | None) -> str | Text:
    """``adjusted p = 0.0012`` or ``adjusted p < 0.0001`` (:class:`~journeymap.findings.PValue`),
    nothing without a p-value."""
    return "" if p is None else text("adjusted p {p}", p=PValue(p))


def _gate(ctx: Context, metric: Metric) -> Iterator[Outcome]:
    if ctx.comparison is None:
        return
    for test in ctx.comparison.tests:
        if test.metric != metric:
            continue
        subject = touchpoint_subject(test.subject) if test.subject != "map" else "map"
        if test.verdict == Verdict.OK:
            yield ok(subject)
            continue
        severity = Severity.ERROR if test.verdict == Verdict.REGRESSION else Severity.WARNING
        data = {
            k: v
            for k, v in test.as_dict().items()
            if k
            in (
                "verdict",
                "before",
                "after",
                "delta",
                "p_value",
                "p_adjusted",
                "n_before",
                "n_after",
                "grain",
            )
        }
        yield fail(subject, _describe(test), _position(ctx, test), severity=severity, **data)


@register("JM301", "regression.drop_off", kind="regression")
def drop_off_regression(ctx: Context) -> Iterator[Outcome]:
    """Drop-off at a touchpoint got worse than in the baseline period.

    REGRESSION (error) when the one-sided pooled z test is significant after
    Benjamini-Hochberg and the increase is at least ``checks.regression.drop_off.min_increase``
    (default 0.01); WARN when the increase is that large but not significant;
    INSUFFICIENT_DATA (warning) when either period has fewer than ``min_departures`` (30)
    departures or fewer than ``min_each`` (5) exits or non-exits.

    Fails (the baseline below lost 300 of 1,000 at 'cart')::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 695}, exits: 305}
              - {id: paid, name: Paid, goal: true}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300}
              - {id: paid, name: Paid, goal: true}
    """
    yield from _gate(ctx, Metric.DROP_OFF)


@register("JM302", "regression.conversion", kind="regression")
def conversion_regression(ctx: Context) -> Iterator[Outcome]:
    """Overall conversion fell compared with the baseline period.

    Journeys are entries and successes are conversions into the selected goals; the same
    guard, one-sided test and threshold (``checks.regression.conversion.min_decrease``,
    default 0.01) as drop-off.

    Fails (600 of 1,000 converted in the baseline below)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 500}, exits: 500}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}
    """
    yield from _gate(ctx, Metric.CONVERSION)


@register("JM303", "regression.nps", kind="regression")
def nps_regression(ctx: Context) -> Iterator[Outcome]:
    """NPS at a touchpoint fell compared with the baseline period.

    ``z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)`` with the multinomial standard errors;
    at least ``min_departures`` responses in both periods; threshold
    ``checks.regression.nps.min_decrease`` (default 1 point).

    Fails (the baseline below has NPS 40 from 200 responses)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  nps: {responses: {10: 60, 8: 60, 3: 80}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  nps: {responses: {10: 100, 8: 80, 3: 20}}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  nps: {responses: {10: 100, 8: 80, 3: 20}}
    """
    yield from _gate(ctx, Metric.NPS)


@register("JM304", "regression.csat", kind="regression")
def csat_regression(ctx: Context) -> Iterator[Outcome]:
    """CSAT at a touchpoint fell compared with the baseline period.

    CSAT is a proportion (top-box answers over all answers), tested like drop-off; the
    threshold ``checks.regression.csat.min_decrease`` is in percentage points (default 1).

    Fails (the baseline below has CSAT 80% from 200 responses)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 70, 4: 70, 2: 60}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 90, 4: 72, 2: 38}}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: paid
                name: Paid
                goal: true
                scores:
                  csat: {responses: {5: 90, 4: 70, 2: 40}}
    """
    yield from _gate(ctx, Metric.CSAT)


@register("JM306", "regression.ces", kind="regression")
def ces_regression(ctx: Context) -> Iterator[Outcome]:
    """The CES mean at a touchpoint got worse than in the baseline period.

    Worse is a fall when the survey is higher is better (CES 2.0, 1-7) and a rise when it is
    lower is better. ``z = (mean1 - mean2) / sqrt(SE1^2 + SE2^2)`` (the large-sample test for
    two means with unequal variances), at least ``min_departures`` responses in both periods,
    Benjamini-Hochberg over the touchpoints, threshold ``checks.regression.ces.min_decrease``
    in scale points (default 0.1). Surveys on different scales or directions are not compared.

    Fails (the baseline below has a mean of 5.5 from 200 responses)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                goal: true
                scores:
                  ces: {direction: higher_is_better, responses: {3: 60, 5: 80, 7: 60}}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                goal: true
                scores:
                  ces: {direction: higher_is_better, responses: {3: 30, 5: 90, 7: 80}}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                goal: true
                scores:
                  ces: {direction: higher_is_better, responses: {3: 30, 5: 90, 7: 80}}
    """
    yield from _gate(ctx, Metric.CES)


@register("JM307", "regression.churn", kind="regression")
def churn_regression(ctx: Context) -> Iterator[Outcome]:
    """Churn (customers lost over the customers at the start) rose compared with the baseline.

    Both periods must carry the customer counts (``business:`` of the map, or of the overlay
    with ``--data``): ``customers_lost`` and ``customers_start``, or ``customers_start``,
    ``customers_end`` and ``new_customers`` (lost = ``S - (E - N)``). The same guard,
    one-sided two-proportion test and Newcombe bound as drop-off, at customer grain;
    threshold ``checks.regression.churn.min_increase`` (default 0.01). Retention
    ``(E - N) / S`` falls exactly when this churn rises, so the one test gates both.

    Fails (the baseline below lost 150 of 1,000 customers)::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        business: {customers_start: 1000, customers_lost: 200}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        business: {customers_start: 1000, customers_lost: 155}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: paid, name: Paid, goal: true}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        business: {customers_start: 1000, customers_lost: 150}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: paid, name: Paid, goal: true}
    """
    yield from _gate(ctx, Metric.CHURN)


@register("JM305", "regression.overlapping_periods", kind="regression", severity=Severity.WARNING)
def overlapping_periods(ctx: Context) -> Iterator[Outcome]:
    """The baseline and the current period overlap or are the same (peeking).

    A CI job that re-tests a growing window against a fixed significance level on every
    commit finds "regressions" by chance. Compare fixed, non-overlapping windows of equal
    length: last quarter's overlay against this quarter's.

    Two arms of an experiment are not peeking: overlays split by the same ``segment:`` column
    with different values (``ingest --segment-by variant`` writes them) were counted side by
    side over the same window, so this check passes for them whatever their periods, and the
    comparison notes that it is concurrent. For an experiment's readout with intervals,
    sequential p-values and a decision use ``journeymap experiment`` (docs/experiments.md).

    Fails (the baseline below covers 2026-Q2)::

        journeymap: 1
        id: shop
        title: Shop
        period: {start: 2026-06-01, end: 2026-08-31}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}

    Baseline::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q2
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - {id: cart, name: Cart, entries: 1000, next: {paid: 600}, exits: 400}
              - {id: paid, name: Paid, goal: true}
    """
    if ctx.comparison is None:
        return
    if ctx.comparison.overlap is None:
        yield ok("map")
        return
    pos = ctx.loaded.locate("period") or ctx.map_position()
    if ctx.loaded.overlay is not None and ctx.loaded.overlay.period is not None:
        pos = ctx.loaded.overlay_position("period") or pos
    yield fail(
        "map",
        text(  # the overlap is the comparison's own sentence (analysis), written as it wrote it
            "{overlap}: comparing overlapping windows is peeking", overlap=ctx.comparison.overlap
        ),
        pos,
        hint=text("compare fixed, non-overlapping periods of equal length"),
    )
