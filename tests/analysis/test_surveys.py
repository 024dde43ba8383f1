"""CES: a declared top box decides what counts as easy (issue 11), worked by hand and
cross-checked by counting the answers one by one."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from journeymap.analysis import analyze
from journeymap.model import CesSurvey, Direction
from tests.analysis.helpers import graph

CHECKOUT = {1: 3, 2: 5, 3: 7, 4: 10, 5: 25, 6: 30, 7: 20}
"""100 answers on 1-7; mean 519 / 100 = 5.19."""
CHAT = {1: 30, 2: 45, 3: 40, 4: 22, 5: 13}
"""150 answers on 1-5 (effort, lower is better)."""


def _ces(survey: dict[str, Any], *more: dict[str, Any]) -> dict[str, Any]:
    tps: list[dict[str, Any]] = [
        {"id": "a", "entries": 10, "next": {"b": 5}, "scores": {"ces": survey}},
        {"id": "b", "next": {"paid": 5}, **({"scores": {"ces": more[0]}} if more else {})},
        {"id": "paid", "goal": True},
    ]
    doc = analyze(graph(tps), samples=0).to_dict()
    return {"a": doc["surveys"]["a"]["ces"], "stage": doc["stages"][0]["surveys"].get("ces")}


def _share(responses: dict[int, int], answers: set[int]) -> float:
    """Independent count: expand the answers one by one."""
    every = [a for a, c in sorted(responses.items()) for _ in range(c)]
    return 100 * sum(a in answers for a in every) / len(every)


def test_declared_top_box_sets_what_counts_as_easy() -> None:
    midpoint = _ces({"scale": [1, 7], "direction": "higher_is_better", "responses": CHECKOUT})["a"]
    declared = _ces(
        {"scale": [1, 7], "direction": "higher_is_better", "top_box": [6, 7], "responses": CHECKOUT}
    )["a"]
    # by hand: 5-7 easy = 25 + 30 + 20 = 75 of 100, 1-3 difficult = 15; top box 6-7 = 50, 1-2 = 8
    assert (midpoint["percent_easy"], midpoint["percent_difficult"]) == (75.0, 15.0)
    assert (declared["percent_easy"], declared["percent_difficult"]) == (50.0, 8.0)
    assert declared["percent_easy"] == pytest.approx(_share(CHECKOUT, {6, 7}))
    assert declared["percent_difficult"] == pytest.approx(_share(CHECKOUT, {1, 2}))
    assert declared["mean"] == midpoint["mean"] == 5.19  # the top box never moves the mean


def test_top_box_when_lower_is_better() -> None:
    r = _ces({"scale": [1, 5], "direction": "lower_is_better", "top_box": [1], "responses": CHAT})[
        "a"
    ]
    # by hand: easy = the 30 answers of 1 of 150 = 20%; difficult = its mirror 5: 13 / 150
    assert r["percent_easy"] == pytest.approx(20.0)
    assert r["percent_difficult"] == pytest.approx(100 * 13 / 150)
    assert r["percent_difficult"] == pytest.approx(_share(CHAT, {5}))
    default = _ces({"scale": [1, 5], "direction": "lower_is_better", "responses": CHAT})["a"]
    assert default["percent_easy"] == pytest.approx(100 * 75 / 150)  # 1-2 beyond the midpoint 3


def test_stage_pools_surveys_with_the_same_top_box() -> None:
    survey = {"scale": [1, 7], "direction": "higher_is_better", "top_box": [7]}
    pooled = _ces({**survey, "responses": {7: 2, 4: 2}}, {**survey, "responses": {7: 1, 1: 5}})
    # 3 sevens of 10 answers are easy; the one 1 mirrors 7: 5 of 10 difficult
    assert pooled["stage"] is not None
    assert (pooled["stage"]["percent_easy"], pooled["stage"]["percent_difficult"]) == (30.0, 50.0)
    other = _ces(
        {**survey, "responses": {7: 2}}, {**survey, "top_box": [6, 7], "responses": {7: 1}}
    )
    assert other["stage"] is None  # different definitions of "easy" are never pooled


def test_model_knows_the_easy_answers() -> None:
    assert CesSurvey(direction=Direction.HIGHER_IS_BETTER).easy_answers() == (5, 6, 7)
    s = CesSurvey(scale=(1, 5), direction=Direction.LOWER_IS_BETTER, top_box=[2, 1])
    assert (s.easy_answers(), s.difficult_answers()) == ((1, 2), (4, 5))


@pytest.mark.parametrize(
    ("top_box", "message"),
    [
        ([7, 8], "the answers [8] lie outside the scale [1, 7]"),
        ([3, 4], "the answers [3, 4] are not easy on the scale [1, 7] (higher is better)"),
    ],
)
def test_a_top_box_that_cannot_be_easy_is_refused(top_box: list[int], message: str) -> None:
    with pytest.raises(ValidationError) as info:
        CesSurvey(direction=Direction.HIGHER_IS_BETTER, top_box=top_box)
    (error,) = info.value.errors()
    assert error["loc"] == ("top_box",)
    assert message in error["msg"]
