"""The journey itself: touchpoints (with their event rules), stages and personas."""

import re
from collections.abc import Mapping
from typing import Annotated, Self

from pydantic import AfterValidator, Field, Strict, model_validator

from journeymap.model.base import (
    Count,
    Fraction,
    Id,
    NonNegative,
    ShortText,
    Text,
    _empty_dict,
    _empty_list,
    _Model,
    customers_field,
    exits_field,
    in_progress_field,
    returns_field,
    unknown_field,
)
from journeymap.model.business import TouchpointBusiness
from journeymap.model.evidence import Evidence
from journeymap.model.opportunities import Opportunity
from journeymap.model.surveys import Scores
from journeymap.portable_regex import unsupported


def _regex(pattern: str) -> str:
    """A regular expression Python compiles and DuckDB's RE2 reads alike
    (:func:`journeymap.portable_regex.unsupported`)."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None
    found = unsupported(pattern)
    if found is not None:
        raise ValueError(found.message(pattern))
    return pattern


Regex = Annotated[ShortText, AfterValidator(_regex)]
"""An event rule's regular expression, checked where it is written (its position is the value's)."""


class EventRule(_Model):
    """Which raw events stand for a touchpoint: an exact name or a fully anchored pattern."""

    name: ShortText | None = Field(
        None, description="The exact event name", examples=["page_view_product"]
    )
    pattern: Regex | None = Field(
        None,
        description="A regular expression that must match the whole event name (anchored at both ends)",
        examples=["^view_item(_.*)?$"],
    )
    where: dict[ShortText, Regex] = Field(
        default_factory=_empty_dict,
        description="{column: regular expression}: other columns of the row must match too (whole value)",
        examples=[{"utm_source": "^(instagram|facebook)$"}],
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.name is None) == (self.pattern is None):
            raise ValueError("an event rule has exactly one of 'name' or 'pattern'")
        return self


Emotion = Annotated[float, Field(allow_inf_nan=False)]


class Touchpoint(_Model):
    id: Id = Field(
        description="The touchpoint's id: letters of any alphabet, digits, _, - and . (stages and touchpoints share one namespace)",
        examples=["checkout"],
    )
    name: ShortText = Field(
        description="Shown on diagrams and reports (1-500 characters)", examples=["Checkout"]
    )
    channel: ShortText | None = Field(
        None,
        description="Where it happens: social, search, email, web, app, store, phone, chat, delivery, ... (or any other word)",
        examples=["web"],
    )
    description: Text | None = Field(
        None,
        description="Free text",
        examples=["A table of sizes in centimetres, opened from the product page."],
    )
    actions: list[Text] = Field(
        default_factory=_empty_list,
        description="What the customer does",
        examples=[["Measures the chest", "Compares with the table"]],
    )
    thoughts: Text | list[Text] | None = Field(
        None,
        description="What the customer thinks, in their words: text, or a list of text",
        examples=["How much is delivery?"],
    )
    emotion: Emotion | dict[Id, Emotion] | None = Field(
        None,
        description="On the map's emotion_scale: one number, or {persona-id: number}",
        examples=[{"bargain-hunter": -1, "busy-parent": 0}],
    )
    pain_points: list[Text] = Field(
        default_factory=_empty_list,
        description="What goes wrong for the customer here",
        examples=[["Delivery cost appears only at checkout"]],
    )
    opportunities: list[Text | Opportunity] = Field(
        default_factory=_empty_list,
        description="What the team could do about the pain points: text, or opportunity objects with an id",
        examples=[
            [
                "Show the delivery cost next to the price",
                {"id": "size-advisor", "text": "Add a size advisor", "effort": 3},
            ]
        ],
    )
    owner: ShortText | None = Field(
        None, description="The team responsible", examples=["Product content"]
    )
    evidence: Evidence | list[Evidence] | None = Field(
        None,
        description="Where the content comes from: one evidence, or a list",
        examples=[
            {"kind": "reported", "source": "Usability test (8 participants)", "date": "2026-07-14"}
        ],
    )
    goal: Annotated[bool, Strict()] = Field(
        False, description="Reaching this touchpoint is a conversion", examples=[True]
    )
    value: NonNegative | None = Field(
        None,
        description="Value of one conversion at this goal (instead of value_per_conversion)",
        examples=[4.5],
    )
    optional: Annotated[bool, Strict()] = Field(
        False,
        description="Not every customer needs it (a size guide); informational",
        examples=[True],
    )
    formerly: list[Id] = Field(
        default_factory=_empty_list,
        description="Ids this touchpoint had before a rename, so comparisons across periods and revisions keep matching it",
        examples=[["size-chart"]],
    )
    events: list[ShortText | EventRule] = Field(
        default_factory=_empty_list,
        description="Which raw events stand for it: event names, or rules with name or pattern and where",
        examples=[["view_size_guide", {"pattern": "^view_item(_.*)?$"}]],
    )
    # flow
    entries: Count | None = Field(
        None,
        description="Customers who start their journey at this touchpoint in the period",
        examples=[1000],
    )
    next: dict[Id, Count | None] | list[Id] = Field(
        default_factory=_empty_dict,
        description="Transitions to other touchpoints: {id: count}; a list of ids or a null count declares a transition whose count is not known",
        examples=[{"cart": 300}],
    )
    exits: Count | None = exits_field()
    unknown: Count | None = unknown_field()
    in_progress: Count | None = in_progress_field()
    customers: Count | None = customers_field()
    returns: dict[Id, Count] = returns_field()
    # workshop numbers
    scores: Scores | None = Field(
        None,
        description="Survey answers: nps, csat and ces",
        examples=[{"csat": {"responses": {"1": 4, "2": 6, "3": 15, "4": 40, "5": 35}}}],
    )
    business: TouchpointBusiness | None = Field(
        None,
        description="Service times and cost of one visit",
        examples=[
            {
                "first_response_time": {"unit": "minutes", "samples": [1, 2, 2, 3, 5, 8]},
                "cost_per_visit": 6.5,
            }
        ],
    )

    @property
    def transitions(self) -> dict[str, int | None]:
        """Declared transitions as ``{target id: count or None}``."""
        if isinstance(self.next, list):
            return dict.fromkeys(self.next)
        return dict(self.next)

    @property
    def opportunity_texts(self) -> list[str]:
        """Every opportunity as text: the strings as written, an object's ``text``."""
        return [o if isinstance(o, str) else o.text for o in self.opportunities]

    @property
    def evidence_list(self) -> list[Evidence]:
        if self.evidence is None:
            return []
        return self.evidence if isinstance(self.evidence, list) else [self.evidence]

    def emotion_for(
        self, persona: str | None = None, shares: Mapping[str, float] | None = None
    ) -> float | None:
        """The emotion for a persona, or the plain value, or the average over personas.

        The average is weighted by the personas' ``share`` (``shares``, as
        :attr:`JourneyMap.persona_shares` gives them): ``sum(w_p e_p) / sum(w_p)`` over the
        personas with an emotion here, so the shares need not add up to 1. When a persona
        with an emotion here has no share (or the shares there sum to 0), every persona
        counts the same: the plain mean. :meth:`JourneyMap.emotion` passes the map's shares.

        >>> tp = Touchpoint(id="t", name="T", emotion={"a": -2, "b": 2})
        >>> tp.emotion_for(), tp.emotion_for(shares={"a": 0.75, "b": 0.25}), tp.emotion_for("b")
        (0.0, -1.0, 2.0)
        >>> tp.emotion_for(shares={"a": 0.75})  # 'b' has no share: the plain mean
        0.0
        """
        if self.emotion is None or isinstance(self.emotion, (int, float)):
            return None if self.emotion is None else float(self.emotion)
        if persona is not None:
            value = self.emotion.get(persona)
            return None if value is None else float(value)
        if not self.emotion:
            return None
        weights = {p: shares[p] for p in self.emotion if shares is not None and p in shares}
        total = sum(weights.values())
        if len(weights) == len(self.emotion) and total > 0:
            return sum(weights[p] * e for p, e in self.emotion.items()) / total
        return sum(self.emotion.values()) / len(self.emotion)


class Stage(_Model):
    id: Id = Field(
        description="The stage's id (stages and touchpoints share one namespace)", examples=["buy"]
    )
    name: ShortText = Field(
        description="Shown on diagrams and reports (1-500 characters)", examples=["Buy"]
    )
    description: Text | None = Field(
        None,
        description="Free text",
        examples=["Feedback, newsletter and loyalty after the first order."],
    )
    touchpoints: list[Touchpoint] = Field(
        default_factory=_empty_list,
        description="The stage's touchpoints, in order (may be empty)",
        examples=[[{"id": "cart", "name": "Cart"}]],
    )


class Persona(_Model):
    id: Id = Field(
        description="The persona's id, referenced by per-persona emotion",
        examples=["bargain-hunter"],
    )
    name: ShortText = Field(
        description="Shown in reports (1-500 characters)", examples=["Bargain hunter"]
    )
    description: Text | None = Field(
        None,
        description="Free text",
        examples=["Compares prices on three sites before buying; shops on the phone."],
    )
    goals: list[Text] = Field(
        default_factory=_empty_list,
        description="What the persona wants, as a list of text",
        examples=[["Find the lowest total price"]],
    )
    frustrations: list[Text] = Field(
        default_factory=_empty_list,
        description="What gets in the persona's way, as a list of text",
        examples=[["Delivery costs that appear only at checkout"]],
    )
    segment: dict[ShortText, str | int | float | bool] | None = Field(
        None,
        description="{column: value}: which rows of an event log belong to this persona",
        examples=[{"customer_segment": "price_sensitive"}],
    )
    share: Fraction | None = Field(
        None,
        description="Fraction 0..1 of customers this persona stands for; weights the average emotion across personas",
        examples=[0.45],
    )
