"""Survey answers (``scores``): NPS, CSAT and CES, and the one classification of their answers.

Promoters and detractors of NPS, the top box of CSAT and the easy and difficult answers of CES
are defined here once; the analysis layer computes the scores from them.
"""

from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import Annotated, Final, Self

from pydantic import Field, Strict, ValidationInfo, field_validator, model_validator

from journeymap.model.base import Count, Text, _empty_dict, _Model
from journeymap.stats import NpsCounts


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


Answer = Annotated[int, Strict()]

NPS_SCALE: Final = (0, 10)
"""The only scale on which the Net Promoter Score is defined (Reichheld 2003)."""
NPS_PROMOTERS: Final = (9, 10)
NPS_DETRACTORS: Final = (0, 1, 2, 3, 4, 5, 6)
"""Promoters answer 9-10, detractors 0-6; 7-8 are passives."""
CSAT_SCALE: Final = (1, 5)
CSAT_TOP_BOX: Final = (4, 5)
"""The satisfied answers of CSAT on 1-5; any other scale declares its ``top_box``."""
CES_SCALE: Final = (1, 7)
"""CES 2.0's 1-7 agreement scale, the default when a map declares none."""


def nps_counts(responses: Mapping[int, int]) -> NpsCounts:
    """Promoters, detractors and all responses of ``{answer: count}`` on the 0-10 scale.

    >>> nps_counts({10: 5, 9: 5, 8: 4, 6: 3, 0: 3})
    NpsCounts(promoters=10, detractors=6, responses=20)
    """
    return NpsCounts(
        promoters=sum(c for a, c in responses.items() if a in NPS_PROMOTERS),
        detractors=sum(c for a, c in responses.items() if a in NPS_DETRACTORS),
        responses=sum(responses.values()),
    )


class Survey(_Model):
    """Raw response counts per answer on a declared scale."""

    scale: tuple[Answer, Answer] = Field(
        description="[lowest, highest] answer, whole numbers", examples=[[1, 5]]
    )
    responses: dict[int, Count] = Field(
        default_factory=_empty_dict,
        description="{answer: count}; an answer outside the scale makes the map invalid",
        examples=[{"1": 4, "4": 40, "5": 35}],
    )
    direction: Direction | None = Field(
        None,
        description="higher_is_better or lower_is_better; required for CES",
        examples=["higher_is_better"],
    )
    top_box: list[Answer] | None = Field(
        None,
        description="CSAT: the answers that count as satisfied (required on a scale other than 1-5); CES: the answers that count as easy",
        examples=[[4, 5]],
    )
    question: Text | None = Field(
        None,
        description="The question as asked (shown in reports)",
        examples=["How likely are you to recommend us to a friend?"],
    )

    @field_validator("scale")
    @classmethod
    def _scale(cls, v: tuple[int, int]) -> tuple[int, int]:
        if v[0] >= v[1]:
            raise ValueError("a scale is [lowest, highest] with lowest < highest")
        return v

    @model_validator(mode="after")
    def _answers(self) -> Self:
        low, high = self.scale
        outside = sorted(a for a in self.responses if not low <= a <= high)
        if outside:
            raise ValueError(f"answers {outside} lie outside the declared scale [{low}, {high}]")
        if self.top_box is not None:
            bad = sorted(a for a in self.top_box if not low <= a <= high)
            if bad:
                raise ValueError(f"top_box answers {bad} lie outside the scale [{low}, {high}]")
        return self

    @property
    def total(self) -> int:
        return sum(self.responses.values())


class NpsSurvey(Survey):
    scale: tuple[Answer, Answer] = Field(
        NPS_SCALE,
        description="[lowest, highest] answer; the NPS is defined on [0, 10] only (the default)",
        examples=[[0, 10]],
    )

    @property
    def on_nps_scale(self) -> bool:
        """Whether the survey is declared on 0-10, the only scale where NPS is defined."""
        return tuple(self.scale) == NPS_SCALE

    def counts(self) -> NpsCounts:
        """Promoters (9-10), detractors (0-6) and responses; see :func:`nps_counts`."""
        return nps_counts(self.responses)


class CsatSurvey(Survey):
    scale: tuple[Answer, Answer] = Field(
        CSAT_SCALE,
        description="[lowest, highest] answer, default [1, 5]; another scale declares top_box",
        examples=[[1, 5]],
    )

    def top_box_answers(self) -> tuple[int, ...]:
        """The satisfied answers: the declared ``top_box``, else 4-5 (on the 1-5 scale).

        >>> CsatSurvey().top_box_answers(), CsatSurvey(scale=(1, 7), top_box=[6, 7]).top_box_answers()
        ((4, 5), (6, 7))
        """
        return tuple(sorted(self.top_box)) if self.top_box is not None else CSAT_TOP_BOX

    @property
    def satisfied(self) -> int:
        """Responses in the top box (the CSAT numerator)."""
        top = self.top_box_answers()
        return sum(c for a, c in self.responses.items() if a in top)

    @model_validator(mode="after")
    def _top_box_off_scale(self) -> Self:
        if tuple(self.scale) != CSAT_SCALE and self.top_box is None:
            raise ValueError(
                f"CSAT on the scale {list(self.scale)} needs 'top_box' (the satisfied answers)"
            )
        return self


def ces_answers(
    scale: tuple[int, int], direction: Direction, top_box: Collection[int] | None = None
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The answers of a CES scale that count as easy, and those that count as difficult.

    Easy: the declared ``top_box``, else every answer beyond the scale's midpoint on the good
    side (5-7 on 1-7 when higher is better, as CES 2.0 reports it; 1-2 on 1-5 when lower is
    better). Difficult: the mirror image of the easy answers (answer ``a`` mirrored to
    ``low + high - a``), so a declared top box ``[6, 7]`` on 1-7 makes 1-2 difficult. A top box
    must lie on the scale and strictly beyond the midpoint on the good side (otherwise an easy
    answer would be its own mirror, or on the side the direction calls difficult).

    >>> ces_answers((1, 7), Direction.HIGHER_IS_BETTER)
    ((5, 6, 7), (1, 2, 3))
    >>> ces_answers((1, 7), Direction.HIGHER_IS_BETTER, [7, 6])
    ((6, 7), (1, 2))
    >>> ces_answers((1, 5), Direction.LOWER_IS_BETTER, [1])
    ((1,), (5,))
    >>> ces_answers((1, 5), Direction.LOWER_IS_BETTER, [4, 5])
    Traceback (most recent call last):
    ...
    ValueError: the answers [4, 5] are not easy on the scale [1, 5] (lower is better); a CES top box holds the easy answers, below the midpoint 3
    """
    low, high = scale
    mid = (low + high) / 2
    higher = direction == Direction.HIGHER_IS_BETTER
    if top_box is None:
        easy = tuple(a for a in range(low, high + 1) if (a > mid if higher else a < mid))
    else:
        easy = tuple(sorted(set(top_box)))
        outside = [a for a in easy if not low <= a <= high]
        if outside:
            raise ValueError(f"the answers {outside} lie outside the scale [{low}, {high}]")
        wrong = [a for a in easy if (a <= mid if higher else a >= mid)]
        if wrong:
            side, where = ("higher", "above") if higher else ("lower", "below")
            raise ValueError(
                f"the answers {wrong} are not easy on the scale [{low}, {high}] ({side} is "
                f"better); a CES top box holds the easy answers, {where} the midpoint {mid:g}"
            )
    return easy, tuple(sorted(low + high - a for a in easy))


class CesSurvey(Survey):
    scale: tuple[Answer, Answer] = Field(
        CES_SCALE,
        description="[lowest, highest] answer, default [1, 7] (CES 2.0)",
        examples=[[1, 7]],
    )
    direction: Direction = Field(
        description="higher_is_better (CES 2.0, 1-7) or lower_is_better (the older CES, 1-5); required for CES",
        examples=["higher_is_better"],
    )

    @field_validator("top_box")
    @classmethod
    def _top_box_easy(cls, v: list[int] | None, info: ValidationInfo) -> list[int] | None:
        scale, direction = info.data.get("scale"), info.data.get("direction")
        if v is not None and scale is not None and direction is not None:
            ces_answers((scale[0], scale[1]), direction, v)
        return v

    def easy_answers(self) -> tuple[int, ...]:
        """The answers counted as easy (:func:`ces_answers`): the declared ``top_box``, else
        every answer beyond the midpoint on the good side.

        >>> CesSurvey(direction="higher_is_better", top_box=[7]).easy_answers()
        (7,)
        """
        return ces_answers((self.scale[0], self.scale[1]), self.direction, self.top_box)[0]

    def difficult_answers(self) -> tuple[int, ...]:
        """The answers counted as difficult: the mirror image of :meth:`easy_answers`."""
        return ces_answers((self.scale[0], self.scale[1]), self.direction, self.top_box)[1]


class Scores(_Model):
    nps: NpsSurvey | None = Field(
        None,
        description="NPS answers on 0-10: promoters answer 9-10, detractors 0-6",
        examples=[{"responses": {"6": 9, "7": 20, "9": 30, "10": 30}}],
    )
    csat: CsatSurvey | None = Field(
        None,
        description="CSAT answers: the share of satisfied answers (4-5 on 1-5, else top_box)",
        examples=[{"responses": {"1": 4, "2": 6, "3": 15, "4": 40, "5": 35}}],
    )
    ces: CesSurvey | None = Field(
        None,
        description="CES answers: the mean answer on the declared scale, with its direction",
        examples=[
            {
                "scale": [1, 7],
                "direction": "higher_is_better",
                "responses": {"2": 3, "5": 25, "7": 20},
            }
        ],
    )
