"""The average emotion across personas is weighted by persona.share (issue 11)."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journeymap.model import JourneyMap, Touchpoint


def _map(shares: dict[str, float | None], emotion: dict[str, float]) -> JourneyMap:
    personas = [
        {"id": p, "name": p.title(), **({"share": s} if s is not None else {})}
        for p, s in shares.items()
    ]
    return JourneyMap.model_validate(
        {
            "journeymap": 1,
            "id": "m",
            "title": "M",
            "personas": personas,
            "stages": [
                {
                    "id": "s",
                    "name": "S",
                    "touchpoints": [{"id": "sms", "name": "SMS", "emotion": emotion}],
                }
            ],
        }
    )


def test_the_format_md_example_by_hand_and_by_population() -> None:
    m = _map({"bargain-hunter": 0.45, "busy-parent": 0.35}, {"bargain-hunter": 1, "busy-parent": 2})
    # (0.45 x 1 + 0.35 x 2) / 0.8 = 1.4375; a population of 45 and 35 customers agrees
    assert m.emotion("sms") == pytest.approx(1.4375)
    assert m.emotion("sms") == pytest.approx(statistics.fmean([1] * 45 + [2] * 35))
    assert m.emotion("sms", "busy-parent") == 2.0


def test_without_every_share_the_plain_mean() -> None:
    m = _map({"a": 0.9, "b": None}, {"a": -2, "b": 2})
    assert m.emotion("sms") == 0.0
    assert _map({"a": 0.0, "b": 0.0}, {"a": -2, "b": 2}).emotion("sms") == 0.0


def test_shares_of_personas_without_an_emotion_here_do_not_count() -> None:
    m = _map({"a": 0.2, "b": 0.3, "c": 0.5}, {"a": -2, "b": 2})
    assert m.emotion("sms") == pytest.approx((0.2 * -2 + 0.3 * 2) / 0.5)


@given(
    st.dictionaries(
        st.sampled_from("abcd"), st.tuples(st.floats(-2, 2), st.floats(0.01, 1)), min_size=1
    )
)
def test_weighted_mean_lies_between_the_extremes(values: dict[str, tuple[float, float]]) -> None:
    tp = Touchpoint(id="t", name="T", emotion={p: e for p, (e, _) in values.items()})
    mean = tp.emotion_for(shares={p: w for p, (_, w) in values.items()})
    assert mean is not None
    emotions = [e for e, _ in values.values()]
    assert min(emotions) - 1e-9 <= mean <= max(emotions) + 1e-9
    equal = tp.emotion_for(shares=dict.fromkeys(values, 0.5))
    assert equal == pytest.approx(statistics.fmean(emotions))
