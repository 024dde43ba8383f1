"""What the team plans to change and test: planned experiments, and scenarios (variants of the
map as patches by id)."""

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from journeymap.model.base import Id, ShortText, Text, _empty_dict, _empty_list, _Model
from journeymap.model.effects import parse_effect


class ExperimentArm(_Model):
    name: Id = Field(description="The arm's name", examples=["control"])
    split: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = Field(
        None,
        description="Planned share of customers; arms without one share the rest equally",
        examples=[0.5],
    )


class ExperimentMetric(_Model):
    """A metric of an experiment: conversion to a goal, or drop-off, a survey or the share of
    customers reaching it (``reach``: a support contact, a return) at a touchpoint."""

    metric: Literal["conversion", "drop_off", "csat", "ces", "nps", "reach"] = Field(
        "conversion",
        description="conversion (default), or drop_off, csat, ces, nps or reach at a touchpoint",
        examples=["drop_off"],
    )
    touchpoint: Id | None = Field(
        None,
        description="The goal (conversion; default every goal of the map) or the touchpoint of the metric",
        examples=["cart"],
    )
    tolerance: str | None = Field(
        None,
        description="For a guardrail: the worsening it may tolerate (2% relative or 0.5pp)",
        examples=["1pp"],
    )

    @field_validator("tolerance")
    @classmethod
    def _tolerance(cls, v: str | None) -> str | None:
        if v is not None:
            parse_effect(v)
        return v

    @model_validator(mode="after")
    def _touchpoint_needed(self) -> Self:
        if self.metric != "conversion" and self.touchpoint is None:
            raise ValueError(
                f"metric '{self.metric}' is measured at a touchpoint: add 'touchpoint'"
            )
        return self


class Experiment(_Model):
    """One planned experiment: its arms and split, primary metric, guardrails and plan."""

    id: Id = Field(description="The experiment's id", examples=["one-page-checkout"])
    hypothesis: Text | None = Field(
        None,
        description="What the change should do, in words",
        examples=["One page for checkout and payment loses fewer customers."],
    )
    arms: list[ExperimentArm] = Field(
        default_factory=_empty_list,
        description="The arms and their planned share of customers (the shares add up to at most 1)",
        examples=[[{"name": "control", "split": 0.5}, {"name": "one-page", "split": 0.5}]],
    )
    primary: ExperimentMetric = Field(
        default_factory=ExperimentMetric,
        description="The primary metric: conversion to a goal, or drop_off, csat, ces or nps at a touchpoint",
        examples=[{"metric": "conversion", "touchpoint": "order-confirmation"}],
    )
    guardrails: list[ExperimentMetric] = Field(
        default_factory=_empty_list,
        description="Metrics like primary, each with the worsening it may tolerate",
        examples=[[{"metric": "drop_off", "touchpoint": "cart", "tolerance": "1pp"}]],
    )
    minimum_detectable_effect: str = Field(
        "10%",
        description="The smallest effect worth detecting: a relative lift (10%) or absolute points (1.5pp)",
        examples=["10%"],
    )
    alpha: Annotated[float, Field(gt=0, lt=1)] = Field(
        0.05, description="Two-sided significance level (default 0.05)", examples=[0.05]
    )
    power: Annotated[float, Field(gt=0, lt=1)] = Field(
        0.8, description="The power the plan is for (default 0.8)", examples=[0.8]
    )
    start: dt.date | None = Field(
        None, description="The first day of the experiment (YYYY-MM-DD)", examples=["2026-10-01"]
    )
    scenario: Id | None = Field(
        None, description="The map's scenario the experiment tests", examples=["to-be"]
    )

    @field_validator("minimum_detectable_effect")
    @classmethod
    def _effect(cls, v: str) -> str:
        parse_effect(v)
        return v

    @model_validator(mode="after")
    def _arms(self) -> Self:
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError("an arm is named twice")
        if sum(a.split or 0.0 for a in self.arms) > 1 + 1e-9:
            raise ValueError("the planned splits add up to more than 1")
        return self

    @property
    def effect(self) -> tuple[float, bool]:
        """The minimum detectable effect as ``(fraction, relative)`` (:func:`parse_effect`)."""
        return parse_effect(self.minimum_detectable_effect)


class Scenario(_Model):
    """Patches by id, applied to the base map (before any overlay). Validated on application."""

    name: ShortText | None = Field(None, description="Shown in reports", examples=["To be"])
    description: Text | None = Field(
        None,
        description="Shown in reports",
        examples=["Express checkout from the cart; the checkout page includes payment."],
    )
    remove: list[Id] = Field(
        default_factory=_empty_list,
        description="Touchpoint or stage ids to remove, with their transitions, limits and lint exceptions",
        examples=[["size-guide"]],
    )
    touchpoints: dict[Id, dict[str, Any]] = Field(
        default_factory=_empty_dict,
        description="{id: {key: value}}: replaces those keys of a touchpoint, whole; the id cannot change",
        examples=[{"checkout": {"name": "One-page checkout"}}],
    )
    add: dict[Id, list[dict[str, Any]]] = Field(
        default_factory=_empty_dict,
        description="{stage id: [touchpoints]}: new touchpoints appended to a stage",
        examples=[{"buy": [{"id": "express-checkout", "name": "Express checkout"}]}],
    )
