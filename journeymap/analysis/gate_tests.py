"""The tests of the regression gate (:mod:`journeymap.analysis.gate`, methods 3.2-3.5): the
two-proportion families, NPS, and the CES mean (:func:`mean_worsening_test`), each with its
Benjamini-Hochberg and its verdict."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from journeymap import stats
from journeymap.analysis.comparison import (
    Direction,
    GateSettings,
    Grain,
    Metric,
    Side,
    Test,
    Verdict,
)
from journeymap.analysis.gate_samples import _ces, _nps, _Sample
from journeymap.model import CesSurvey
from journeymap.model import Direction as CesDirection
from journeymap.stats import MeanEstimate


def _eligible(x: int, n: int, settings: GateSettings) -> bool:
    return n >= settings.min_departures and min(x, n - x) >= settings.min_each


def _verdict(delta: float, threshold: float, significant: bool) -> Verdict:
    if delta >= threshold - 1e-12:
        return Verdict.REGRESSION if significant else Verdict.WARN
    return Verdict.OK


def _adjusted_by_sample(
    eligible: list[_Sample], alternative: stats.Alternative
) -> dict[int, tuple[float, float]]:
    """The one-sided pooled z p-value of each sample and its Benjamini-Hochberg adjustment
    over them, by the sample's ``id``."""
    ps = [
        stats.two_proportion_test(s.x1, s.n1, s.x2, s.n2, alternative=alternative) for s in eligible
    ]
    return dict(
        zip(
            (id(s) for s in eligible),
            zip(ps, stats.benjamini_hochberg(ps), strict=True),
            strict=True,
        )
    )


def _gate_proportions(
    samples: list[_Sample],
    settings: GateSettings,
    threshold: float,
    direction: Direction,
    metric: Metric,
    scale: float = 1.0,
) -> list[Test]:
    """Guard, one-sided pooled z, BH over the eligible samples, threshold; returns the tests.

    Values and the threshold are in display units: fractions times `scale`.
    """
    alternative: stats.Alternative = "greater" if direction == Direction.INCREASE else "less"
    eligible = [
        s for s in samples if _eligible(s.x1, s.n1, settings) and _eligible(s.x2, s.n2, settings)
    ]
    adjusted = _adjusted_by_sample(eligible, alternative)
    tests = []
    for s in samples:
        before = s.x1 / s.n1 * scale if s.n1 else None
        after = s.x2 / s.n2 * scale if s.n2 else None
        test = Test(
            metric=metric,
            subject=s.subject,
            baseline_subject=s.old,
            grain=s.grain,
            before=before,
            after=after,
            n_before=s.n1,
            n_after=s.n2,
            x_before=s.x1,
            x_after=s.x2,
            threshold=threshold,
            direction=direction,
            verdict=Verdict.INSUFFICIENT_DATA,
            note=s.note,
        )
        if id(s) not in adjusted or before is None or after is None:
            tests.append(test)
            continue
        p, padj = adjusted[id(s)]
        change = after - before if direction == Direction.INCREASE else before - after
        # a 90% two-sided interval: each end is a one-sided 95% bound
        bounds = (
            stats.newcombe_difference(s.x1, s.n1, s.x2, s.n2, confidence=0.90)
            if direction == Direction.INCREASE
            else stats.newcombe_difference(s.x2, s.n2, s.x1, s.n1, confidence=0.90)
        )
        tests.append(
            dataclasses.replace(
                test,
                verdict=_verdict(change, threshold, padj < settings.q),
                p_value=p,
                p_adjusted=padj,
                worsening_lower=None if bounds is None else bounds[0] * scale,
            )
        )
    return tests


def _gate_nps(
    current: Side, baseline: Side, matched: Mapping[str, str], settings: GateSettings
) -> list[Test]:
    """``z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)`` with multinomial standard errors, BH, threshold."""
    rows = []
    for tid, oid in matched.items():
        s1, s2 = _nps(baseline.G, oid), _nps(current.G, tid)
        if s1 is None or s2 is None or not (s1.on_nps_scale and s2.on_nps_scale):
            continue
        rows.append((tid, oid, s1.counts(), s2.counts()))
    eligible = []
    results: dict[str, tuple[float, float]] = {}
    for tid, _, a, b in rows:
        if a.responses >= settings.min_departures and b.responses >= settings.min_departures:
            z_p = stats.nps_test(a, b)
            if z_p is not None:
                eligible.append(tid)
                results[tid] = z_p
    adjusted = dict(
        zip(eligible, stats.benjamini_hochberg([results[t][1] for t in eligible]), strict=True)
    )
    threshold = settings.nps_min_decrease
    tests = []
    for tid, oid, a, b in rows:
        v1, v2 = stats.nps_score(a), stats.nps_score(b)
        test = Test(
            metric=Metric.NPS,
            subject=tid,
            baseline_subject=oid,
            grain=Grain.RESPONSES,
            before=v1,
            after=v2,
            n_before=a.responses,
            n_after=b.responses,
            x_before=None,
            x_after=None,
            threshold=threshold,
            direction=Direction.DECREASE,
            verdict=Verdict.INSUFFICIENT_DATA,
            note="z = (NPS1 - NPS2) / sqrt(SE1^2 + SE2^2)",
        )
        if tid not in adjusted or v1 is None or v2 is None:
            tests.append(test)
            continue
        tests.append(
            dataclasses.replace(
                test,
                verdict=_verdict(v1 - v2, threshold, adjusted[tid] < settings.q),
                p_value=results[tid][1],
                p_adjusted=adjusted[tid],
            )
        )
    return tests


def mean_worsening_test(
    before: MeanEstimate, after: MeanEstimate, higher_is_better: bool
) -> tuple[float, float] | None:
    """One-sided test that a mean got worse: ``(z, p)`` with ``p = P(Z > z)``.

    ``z = (m1 - m2) / sqrt(SE1^2 + SE2^2)`` when higher is better (``(m2 - m1) / ...`` when
    lower is better), the standard errors of :func:`journeymap.stats.mean_interval`: the
    large-sample two-sample z test for means with unequal variances (Welch's statistic with
    the normal instead of Student's t; Welch, Biometrika 34, 1947). It assumes independent
    respondents. None when a standard error is missing (one answer) or both are 0.

    >>> from journeymap.stats import mean_interval
    >>> a, b = mean_interval({3: 10, 5: 20, 7: 10}), mean_interval({3: 20, 5: 10, 7: 10})
    >>> z, p = mean_worsening_test(a, b, higher_is_better=True)
    >>> round(z, 3), round(p, 4)
    (1.433, 0.076)
    """
    if before.standard_error is None or after.standard_error is None:
        return None
    se = (before.standard_error**2 + after.standard_error**2) ** 0.5
    if se == 0.0:
        return None
    z = (before.mean - after.mean if higher_is_better else after.mean - before.mean) / se
    return z, stats.normal_sf(z)


def _ces_tests(
    rows: list[tuple[str, str, CesSurvey, CesSurvey]], settings: GateSettings
) -> dict[str, tuple[float, float]]:
    """``(z, p)`` of :func:`mean_worsening_test` per touchpoint whose two CES surveys are on
    the same scale and direction and both have the guard's responses."""
    results: dict[str, tuple[float, float]] = {}
    for tid, _, s1, s2 in rows:
        m1, m2 = stats.mean_interval(s1.responses), stats.mean_interval(s2.responses)
        comparable = tuple(s1.scale) == tuple(s2.scale) and s1.direction == s2.direction
        if (
            comparable
            and m1 is not None
            and m2 is not None
            and min(s1.total, s2.total) >= settings.min_departures
        ):
            z_p = mean_worsening_test(m1, m2, s2.direction == CesDirection.HIGHER_IS_BETTER)
            if z_p is not None:
                results[tid] = z_p
    return results


def _gate_ces(
    current: Side, baseline: Side, matched: Mapping[str, str], settings: GateSettings
) -> list[Test]:
    """The CES mean per matched touchpoint: the guard on responses, the z test of
    :func:`mean_worsening_test`, Benjamini-Hochberg, the threshold in scale points. Surveys
    on different scales or directions are not compared (INSUFFICIENT_DATA with a note)."""
    rows = []
    for tid, oid in matched.items():
        s1, s2 = _ces(baseline.G, oid), _ces(current.G, tid)
        if s1 is not None and s2 is not None:
            rows.append((tid, oid, s1, s2))
    results = _ces_tests(rows, settings)
    eligible = list(results)
    adjusted = dict(
        zip(eligible, stats.benjamini_hochberg([results[t][1] for t in eligible]), strict=True)
    )
    tests = []
    for tid, oid, s1, s2 in rows:
        m1, m2 = stats.mean_interval(s1.responses), stats.mean_interval(s2.responses)
        higher = s2.direction == CesDirection.HIGHER_IS_BETTER
        same = tuple(s1.scale) == tuple(s2.scale) and s1.direction == s2.direction
        test = Test(
            metric=Metric.CES,
            subject=tid,
            baseline_subject=oid,
            grain=Grain.RESPONSES,
            before=None if m1 is None else m1.mean,
            after=None if m2 is None else m2.mean,
            n_before=s1.total,
            n_after=s2.total,
            x_before=None,
            x_after=None,
            threshold=settings.ces_min_decrease,
            direction=Direction.DECREASE if higher else Direction.INCREASE,
            verdict=Verdict.INSUFFICIENT_DATA,
            note="z = (mean1 - mean2) / sqrt(SE1^2 + SE2^2)"
            if same
            else "the two CES surveys differ in scale or direction: not comparable",
        )
        if tid not in adjusted or m1 is None or m2 is None:
            tests.append(test)
            continue
        change = m1.mean - m2.mean if higher else m2.mean - m1.mean
        tests.append(
            dataclasses.replace(
                test,
                verdict=_verdict(change, settings.ces_min_decrease, adjusted[tid] < settings.q),
                p_value=results[tid][1],
                p_adjusted=adjusted[tid],
            )
        )
    return tests
