"""Survey metrics from raw response counts on a declared scale: NPS, CSAT, CES.

Each metric is computed exactly as the industry defines it, and only on a scale where it is
defined; see ``docs/analysis.md`` ("Survey metrics") for the formulas and the popular wrong ones.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from journeymap import stats
from journeymap.analysis.survey_figures import Ces, Csat, Nps, SurveyFigures
from journeymap.model import (
    CSAT_TOP_BOX,
    CesSurvey,
    CsatSurvey,
    Direction,
    NpsSurvey,
    Scores,
    ces_answers,
    nps_counts,
)


def nps(responses: Mapping[int, int], confidence: float = 0.95) -> Nps:
    """Net Promoter Score from 0-10 answers: ``100 * (promoters - detractors) / n``.

    Promoters answer 9-10, passives 7-8, detractors 0-6 (:func:`journeymap.model.nps_counts`).
    ``standard_error`` is ``100 * sqrt((p + d - (p - d)²) / n)``; ``interval`` is the adjusted
    Wald interval (add 3 to n and 3/4 to promoters and to detractors, then the same variance;
    Rocks 2016), clipped to -100..100 (:mod:`journeymap.stats`). With no responses every
    figure is None.

    >>> r = nps({10: 30, 9: 20, 8: 25, 7: 5, 6: 10, 3: 10})
    >>> r.value, r.promoters, r.detractors, r.responses
    (30.0, 50, 20, 100)
    >>> round(r.standard_error, 3)
    7.81
    """
    c = nps_counts(responses)
    interval = stats.nps_interval(c, confidence=confidence)
    return Nps(
        value=stats.nps_score(c),
        standard_error=stats.nps_standard_error(c),
        interval=interval,
        responses=c.responses,
        promoters=c.promoters,
        passives=c.passives,
        detractors=c.detractors,
    )


def csat(
    responses: Mapping[int, int],
    top_box: tuple[int, ...] | list[int] = CSAT_TOP_BOX,
    confidence: float = 0.95,
) -> Csat:
    """CSAT: the percentage of top-box answers (4 and 5 on 1-5), neutrals in the denominator.

    Also the mean answer and a Wilson interval of the percentage.

    >>> r = csat({5: 50, 4: 24, 3: 15, 2: 10, 1: 8})   # Delighted's worked example: 74/107
    >>> round(r.percent, 2), r.responses
    (69.16, 107)
    """
    n = sum(responses.values())
    top = sum(c for a, c in responses.items() if a in set(top_box))
    box = tuple(sorted(top_box))
    interval = stats.wilson_interval(top, n, confidence=confidence)
    mean = stats.mean_interval(responses, confidence=confidence)
    if interval is None or mean is None:
        return Csat(None, None, None, n, top, box)
    return Csat(
        percent=100 * top / n,
        interval=(100 * interval[0], 100 * interval[1]),
        mean=mean.mean,
        responses=n,
        satisfied=top,
        top_box=box,
    )


def ces(
    responses: Mapping[int, int],
    scale: tuple[int, int],
    direction: Direction,
    confidence: float = 0.95,
    top_box: Collection[int] | None = None,
) -> Ces:
    """Customer Effort Score: the mean answer on its declared scale, and the share answering "easy".

    "Easy" is the declared ``top_box``, else every answer beyond the scale's midpoint on the
    good side: 5-7 on 1-7 when higher is better (CES 2.0), 1-2 on 1-5 when lower is better
    (CES 1.0). ``percent_difficult`` is the mirror image (:func:`journeymap.model.ces_answers`).
    Both are shares of every answer, neutral ones included.

    >>> r = ces({1: 3, 2: 5, 3: 7, 4: 10, 5: 25, 6: 30, 7: 20}, (1, 7), Direction.HIGHER_IS_BETTER)
    >>> r.mean, r.percent_easy, r.percent_difficult
    (5.19, 75.0, 15.0)
    >>> r = ces({1: 3, 2: 5, 3: 7, 4: 10, 5: 25, 6: 30, 7: 20}, (1, 7), Direction.HIGHER_IS_BETTER,
    ...         top_box=[6, 7])
    >>> r.percent_easy, r.percent_difficult
    (50.0, 8.0)
    """
    low, high = scale
    n = sum(responses.values())
    easy_answers, hard_answers = ces_answers(scale, direction, top_box)
    easy = sum(c for a, c in responses.items() if a in easy_answers)
    hard = sum(c for a, c in responses.items() if a in hard_answers)
    m = stats.mean_interval(responses, confidence=confidence)
    if m is None:
        return Ces(None, None, None, None, None, n, (low, high), direction.value)
    interval = (
        None
        if m.standard_error is None or m.interval is None
        else (max(float(low), m.interval[0]), min(float(high), m.interval[1]))
    )
    return Ces(
        mean=m.mean,
        standard_error=None if interval is None else m.standard_error,
        interval=interval,
        percent_easy=100 * easy / n,
        percent_difficult=100 * hard / n,
        responses=n,
        scale=(low, high),
        direction=direction.value,
    )


def survey_metrics(scores: Scores | None, confidence: float = 0.95) -> SurveyFigures:
    """The ``surveys`` entry of one touchpoint: ``nps``, ``csat`` and ``ces`` where declared.

    A metric whose survey is declared on a scale where it is not defined (NPS other than 0-10)
    is left out (:func:`survey_problems` says why). A declared survey without responses keeps
    its key with ``responses: 0`` and null figures.

    >>> from journeymap.model import Scores
    >>> s = Scores.model_validate({"nps": {"responses": {10: 3, 0: 1}}})
    >>> survey_metrics(s).nps.value
    50.0
    >>> bool(survey_metrics(None))
    False
    """
    if scores is None:
        return SurveyFigures()
    c = scores.ces
    return SurveyFigures(
        nps=(
            nps(scores.nps.responses, confidence)
            if scores.nps is not None and scores.nps.on_nps_scale
            else None
        ),
        csat=(
            csat(scores.csat.responses, scores.csat.top_box_answers(), confidence)
            if scores.csat is not None
            else None
        ),
        ces=(
            ces(c.responses, (c.scale[0], c.scale[1]), c.direction, confidence, top_box=c.top_box)
            if c is not None
            else None
        ),
    )


def survey_problems(scores: Scores | None) -> list[tuple[str, str]]:
    """``(metric, problem)`` for declared surveys that yield no figure.

    >>> from journeymap.model import Scores
    >>> survey_problems(Scores.model_validate({"nps": {"scale": [1, 5], "responses": {5: 2}},
    ...                                        "csat": {"responses": {}}}))
    [('nps', 'scale'), ('csat', 'no responses')]
    """
    out: list[tuple[str, str]] = []
    if scores is None:
        return out
    surveys: list[tuple[str, NpsSurvey | CsatSurvey | CesSurvey | None]] = [
        ("nps", scores.nps),
        ("csat", scores.csat),
        ("ces", scores.ces),
    ]
    for name, survey in surveys:
        if survey is None:
            continue
        if isinstance(survey, NpsSurvey) and not survey.on_nps_scale:
            out.append((name, "scale"))
        elif survey.total == 0:
            out.append((name, "no responses"))
    return out


def merge_responses(scores: list[Scores | None]) -> Scores | None:
    """Pool the responses of several touchpoints (a stage), survey by survey, where the scales
    (and CSAT top box, CES direction) agree; a survey whose declarations differ is left out.

    >>> from journeymap.model import Scores
    >>> a = Scores.model_validate({"csat": {"responses": {5: 2, 1: 1}}})
    >>> b = Scores.model_validate({"csat": {"responses": {5: 1}}})
    >>> merge_responses([a, b, None]).csat.responses
    {1: 1, 5: 3}
    """
    present = [s for s in scores if s is not None]
    if not present:
        return None
    merged: dict[str, Any] = {}
    for name in ("nps", "csat", "ces"):
        surveys = [getattr(s, name) for s in present if getattr(s, name) is not None]
        if not surveys:
            continue
        first = surveys[0]
        same = all(
            tuple(s.scale) == tuple(first.scale)
            and s.top_box == first.top_box
            and s.direction == first.direction
            for s in surveys
        )
        if not same:
            continue
        counts: dict[int, int] = {}
        for s in surveys:
            for answer, count in s.responses.items():
                counts[answer] = counts.get(answer, 0) + count
        merged[name] = {
            "scale": list(first.scale),
            "responses": dict(sorted(counts.items())),
            "direction": first.direction,
            "top_box": first.top_box,
        }
    if not merged:
        return None
    return Scores.model_validate(merged)
