"""The journey map as a whole (:class:`JourneyMap`, format version 1) and goal selection."""

from collections.abc import Collection, Iterator, Sequence
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from journeymap.errors import UsageError, did_you_mean
from journeymap.i18n import check_language
from journeymap.model.base import (
    Id,
    NonNegative,
    Number,
    ShortText,
    Text,
    _empty_dict,
    _empty_list,
    _Model,
)
from journeymap.model.business import Business
from journeymap.model.checks import Checks
from journeymap.model.experiments import Experiment, Scenario
from journeymap.model.opportunities import Opportunity
from journeymap.model.period import Period, _period
from journeymap.model.touchpoints import Persona, Stage, Touchpoint


class UnknownGoalError(UsageError):
    """A goal was asked for that the map does not declare. ``goal`` and ``goals`` say which."""

    def __init__(self, goal: str, goals: Sequence[str], touchpoints: Collection[str] = ()):
        listed = f"goals: {', '.join(goals) or 'none'}"
        hint = did_you_mean(goal, list(goals)) or (
            f"'{goal}' is a touchpoint but not a goal; {listed}" if goal in touchpoints else listed
        )
        super().__init__(f"the map has no goal '{goal}'", hint=hint)
        self.goal = goal
        self.goals = list(goals)


def select_goals(
    goals: Sequence[str], goal: str | None = None, touchpoints: Collection[str] = ()
) -> list[str]:
    """The goals a chain absorbs into: every declared goal, or the one chosen.

    ``touchpoints`` (every id of the map) lets the error say when the chosen id is a touchpoint
    that is not a goal.

    >>> select_goals(["a", "b"]), select_goals(["a", "b"], "b")
    (['a', 'b'], ['b'])
    >>> select_goals(["paid"], "payd")
    Traceback (most recent call last):
    ...
    journeymap.model.journey.UnknownGoalError: the map has no goal 'payd'
    """
    if goal is None:
        return list(goals)
    if goal not in goals:
        raise UnknownGoalError(goal, goals, touchpoints)
    return [goal]


class JourneyMap(_Model):
    """A customer journey map, format version 1."""

    journeymap: Literal[1] = Field(
        alias="journeymap", description="Format version; this tool reads version 1", examples=[1]
    )
    id: Id = Field(description="The map's id (overlays name it in map)", examples=["shop"])
    title: ShortText = Field(
        description="Shown on diagrams and reports (1-500 characters)",
        examples=["First purchase in the shop"],
    )
    description: Text | None = Field(
        None, description="Free text", examples=["A small map that the other examples build on."]
    )
    period: Period | None = Field(
        None,
        description="The period the numbers are for: 2026, 2026-07, 2026-Q3, 2026-W05 or {start, end}",
        examples=["2026-Q3"],
    )
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = Field(
        None, description="ISO 4217 code, three capitals", examples=["EUR"]
    )
    language: str = Field(
        "en",
        description="The language journeymap writes the map's human outputs in (a BCP 47 tag: en, ru, lv, zh-Hant, zh-Hans); --lang overrides it",
        examples=["ru"],
    )
    value_per_conversion: NonNegative | None = Field(
        None,
        description="Value of one conversion (average order value, or customer lifetime value); a goal's own value wins",
        examples=[48.0],
    )
    emotion_scale: tuple[Number, Number] = Field(
        (-2.0, 2.0),
        description="The scale of emotion, [low, high], default [-2, 2]",
        examples=[[-5, 5]],
    )
    include: list[ShortText] = Field(
        default_factory=_empty_list,
        description="Relative paths of files with shared personas, stages and touchpoints",
        examples=[["shared/personas.yaml"]],
    )
    personas: list[Persona] = Field(
        default_factory=_empty_list,
        description="The people the journey is mapped for",
        examples=[[{"id": "bargain-hunter", "name": "Bargain hunter", "share": 0.45}]],
    )
    stages: list[Stage] = Field(
        description="Ordered stages with ordered touchpoints",
        examples=[[{"id": "buy", "name": "Buy", "touchpoints": [{"id": "cart", "name": "Cart"}]}]],
    )
    business: Business | None = Field(
        None,
        description="Map-level business inputs, for the map's period",
        examples=[
            {
                "customers_start": 18400,
                "customers_end": 19100,
                "new_customers": 4150,
                "customers_lost": 3450,
            }
        ],
    )
    checks: Checks | None = Field(
        None,
        description="What CI enforces (journeymap check)",
        examples=[{"conversion": {"min": 0.1}, "drop_off": {"max": 0.8, "severity": "warning"}}],
    )
    scenarios: dict[Id, Scenario] = Field(
        default_factory=_empty_dict,
        description="Named variants of the map (as-is, to-be): patches by id",
        examples=[{"to-be": {"name": "To be", "remove": ["size-guide"]}}],
    )
    experiments: list[Experiment] = Field(
        default_factory=_empty_list,
        description="Planned A/B and multi-arm tests",
        examples=[[{"id": "one-page-checkout", "primary": {"metric": "conversion"}}]],
    )
    opportunities: list[Opportunity] = Field(
        default_factory=_empty_list,
        description="Opportunities of the whole map (each addresses touchpoints or names a scenario)",
        examples=[[{"id": "one-page-checkout", "text": "One-page checkout", "scenario": "to-be"}]],
    )

    _normalise_period = field_validator("period", mode="before")(_period)

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        return check_language(v)

    @field_validator("emotion_scale")
    @classmethod
    def _emotion_scale(cls, v: tuple[float, float]) -> tuple[float, float]:
        if v[0] >= v[1]:
            raise ValueError("emotion_scale is [lowest, highest] with lowest < highest")
        return v

    def iter_touchpoints(self) -> Iterator[tuple[Stage, Touchpoint]]:
        for stage in self.stages:
            for tp in stage.touchpoints:
                yield stage, tp

    @property
    def touchpoints(self) -> dict[str, Touchpoint]:
        return {tp.id: tp for _, tp in self.iter_touchpoints()}

    @property
    def goals(self) -> list[str]:
        return [tp.id for _, tp in self.iter_touchpoints() if tp.goal]

    def select_goals(self, goal: str | None = None) -> list[str]:
        """Every goal of the map, or the one chosen (:func:`select_goals`)."""
        return select_goals(self.goals, goal, self.touchpoints)

    def stage_of(self, touchpoint_id: str) -> Stage:
        for stage, tp in self.iter_touchpoints():
            if tp.id == touchpoint_id:
                return stage
        raise KeyError(touchpoint_id)

    @property
    def persona_shares(self) -> dict[str, float]:
        """``{persona id: share}`` of the personas that declare a ``share``."""
        return {p.id: p.share for p in self.personas if p.share is not None}

    def emotion(self, touchpoint_id: str, persona: str | None = None) -> float | None:
        """A touchpoint's emotion for `persona`, or across personas weighted by their share
        (:meth:`Touchpoint.emotion_for`)."""
        return self.touchpoints[touchpoint_id].emotion_for(persona, self.persona_shares)

    def opportunity_objects(self) -> list[Opportunity]:
        """Every opportunity object, in map order (touchpoints first, then the map's list); one
        written at a touchpoint without ``addresses`` addresses that touchpoint."""
        out: list[Opportunity] = []
        for _, tp in self.iter_touchpoints():
            for o in tp.opportunities:
                if isinstance(o, Opportunity):
                    out.append(o if o.addresses else o.model_copy(update={"addresses": [tp.id]}))
        return out + list(self.opportunities)

    def persona(self, persona_id: str) -> Persona:
        for p in self.personas:
            if p.id == persona_id:
                return p
        raise KeyError(persona_id)
