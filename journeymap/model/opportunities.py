"""Opportunities as objects: owner, status, effort, and the effect expected at a touchpoint."""

from typing import Annotated, Final, Literal, Self

from pydantic import AfterValidator, Field, Strict, model_validator

from journeymap.model.base import Id, ShortText, _empty_list, _Model
from journeymap.model.effects import parse_signed_effect

OpportunityStatus = Literal["idea", "planned", "in-progress", "done", "dropped"]
OPEN_STATUSES: Final = ("idea", "planned", "in-progress")
"""The statuses of an opportunity still to be decided or delivered (ranked; lint asks an owner)."""


def _share_of_exits(v: str) -> str:
    fraction, relative = parse_signed_effect(v)
    if not relative or not 0 < fraction <= 1:
        raise ValueError(
            f"'{v}' is not a share of the exits: write a percentage above 0% up to 100%, such as 10%"
        )
    return v


def _fewer_points(v: str) -> str:
    fraction, relative = parse_signed_effect(v)
    if relative or not -1 <= fraction < 0:
        raise ValueError(
            f"'{v}' is not a fall of the drop-off: write negative points, such as -5pp"
        )
    return v


ShareOfExits = Annotated[str, Strict(), AfterValidator(_share_of_exits)]
FewerPoints = Annotated[str, Strict(), AfterValidator(_fewer_points)]


class ExpectedTransition(_Model):
    to: Id = Field(
        description="The next touchpoint (or goal) the recovered customers go to",
        examples=["express-checkout"],
    )
    share: ShareOfExits = Field(
        description="The share of the touchpoint's exits that go there instead (a percentage)",
        examples=["5%"],
    )

    @property
    def fraction(self) -> float:
        return parse_signed_effect(self.share)[0]


class Expected(_Model):
    """What an opportunity is expected to do at the touchpoints it addresses: exactly one of
    closing a share of the exits, lowering the drop-off by points, or sending a share of the
    exits along one transition (docs/decisions.md, "Value at stake")."""

    close_exits: ShareOfExits | None = Field(
        None,
        description="The share of the exits that continue instead, pro rata (a percentage)",
        examples=["10%"],
    )
    drop_off: FewerPoints | None = Field(
        None,
        description="The change of the drop-off in percentage points (negative: fewer exits)",
        examples=["-5pp"],
    )
    transition: ExpectedTransition | None = Field(
        None,
        description="A share of the exits that go to one next touchpoint instead",
        examples=[{"to": "express-checkout", "share": "5%"}],
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [
            k for k in ("close_exits", "drop_off", "transition") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "expected is one of close_exits, drop_off or transition"
                + (f", not {' and '.join(given)}" if given else "")
            )
        return self


class Opportunity(_Model):
    """An opportunity as an object: who owns it, its state and effort, and what it changes.

    At a touchpoint, it addresses that touchpoint unless ``addresses`` says otherwise. It names
    ``scenario`` or ``expected``, not both (a reference check, so that the message points at
    the second key)."""

    id: Id = Field(
        description="The opportunity's id, unique across the map",
        examples=["delivery-cost-upfront"],
    )
    text: ShortText = Field(
        description="What the team would do, in one line",
        examples=["Show the delivery cost and date next to the price"],
    )
    owner: ShortText | None = Field(
        None, description="The team or person who owns it", examples=["Product content"]
    )
    status: OpportunityStatus = Field(
        "idea",
        description="idea (default), planned, in-progress, done or dropped",
        examples=["planned"],
    )
    effort: Annotated[int, Strict(), Field(ge=1, le=5)] | None = Field(
        None, description="Relative effort, 1 (small) to 5 (large)", examples=[2]
    )
    confidence: Literal["low", "medium", "high"] | None = Field(
        None, description="How sure the team is of the expected effect", examples=["medium"]
    )
    addresses: list[Id] = Field(
        default_factory=_empty_list,
        description="The touchpoints it changes (at a touchpoint: that touchpoint by default)",
        examples=[["product-page"]],
    )
    scenario: Id | None = Field(
        None,
        description="The map's scenario that models it; its gain against the map as written is the value",
        examples=["to-be"],
    )
    expected: Expected | None = Field(
        None,
        description="Its expected effect: close_exits, drop_off or transition",
        examples=[{"close_exits": "10%"}],
    )

    @property
    def open(self) -> bool:
        """Still to be decided or delivered (``idea``, ``planned``, ``in-progress``)."""
        return self.status in OPEN_STATUSES
