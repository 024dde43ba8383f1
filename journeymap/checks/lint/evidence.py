"""Lint of the map's evidence (JM205-JM207): emotions without evidence, stale assumptions,
pains without an opportunity."""

from __future__ import annotations

from collections.abc import Iterator

from journeymap import graph as g
from journeymap.checks.context import Context
from journeymap.checks.core import Outcome, fail, ok, register
from journeymap.findings import text, touchpoint_subject
from journeymap.i18n import N_
from journeymap.model import EvidenceKind, Severity

DEFAULT_ASSUMPTION_MAX_AGE_DAYS = 180


_NO_EVIDENCE = {
    ("emotion",): N_("'{id}' has an emotion but no evidence"),
    ("pain_points",): N_("'{id}' has pain points but no evidence"),
    ("emotion", "pain_points"): N_("'{id}' has an emotion and pain points but no evidence"),
}
"""JM205's sentence by what the touchpoint claims (msgids)."""


@register("JM205", "lint.unsupported_emotion", kind="lint", severity=Severity.WARNING)
def unsupported_emotion(ctx: Context) -> Iterator[Outcome]:
    """Emotions or pain points written without any evidence.

    An emotion curve or a pain point is a claim about customers; ``evidence`` says where it
    comes from (``observed``, ``reported``, ``assumed``, ``proposed``), so a workshop can tell
    research from guesses.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                emotion: -1
                pain_points: [Delivery costs appear late]
                opportunities: [Show delivery costs on the product page]

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                emotion: -1
                pain_points: [Delivery costs appear late]
                opportunities: [Show delivery costs on the product page]
                evidence: {kind: observed, source: usability test 2026-05}
    """
    for tid in ctx.touchpoints:
        tp = ctx.G.nodes[tid][g.TOUCHPOINT]
        claims = [
            name
            for name, present in (
                ("emotion", tp.emotion is not None),
                ("pain_points", bool(tp.pain_points)),
            )
            if present
        ]
        if claims and not tp.evidence_list:
            yield fail(
                touchpoint_subject(tid),
                text(_NO_EVIDENCE[tuple(claims)], id=tid),
                ctx.tp_position(tid, claims[0]),
                hint=text("add 'evidence: {{kind: observed|reported|assumed, source: ...}}'"),
            )
        else:
            yield ok(touchpoint_subject(tid))


@register("JM206", "lint.stale_assumption", kind="lint", severity=Severity.WARNING)
def stale_assumption(ctx: Context) -> Iterator[Outcome]:
    """An ``assumed`` piece of evidence older than ``checks.lint.assumption_max_age_days``.

    The age is counted from the evidence ``date`` to the end of the period the map (or its
    overlay) describes, so the result does not depend on the day the check runs; a map without
    a period is judged as of today. The default maximum age is 180 days. Undated assumptions
    are not judged.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        checks:
          lint: {assumption_max_age_days: 90}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                emotion: -1
                evidence: {kind: assumed, source: team guess, date: 2026-01-15}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        period: 2026-Q3
        checks:
          lint: {assumption_max_age_days: 90}
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                emotion: -1
                evidence: {kind: observed, source: session recordings, date: 2026-01-15}
    """
    settings = ctx.checks.lint
    max_age = (
        settings.assumption_max_age_days
        if settings is not None and settings.assumption_max_age_days is not None
        else DEFAULT_ASSUMPTION_MAX_AGE_DAYS
    )
    ref = ctx.reference_date
    for tid in ctx.touchpoints:
        tp = ctx.G.nodes[tid][g.TOUCHPOINT]
        stale = False
        for k, ev in enumerate(tp.evidence_list):
            if ev.kind != EvidenceKind.ASSUMED or ev.date is None:
                continue
            age = (ref - ev.date).days
            if age > max_age:
                stale = True
                loc = ("evidence", k) if isinstance(tp.evidence, list) else ("evidence",)
                yield fail(
                    touchpoint_subject(tid),
                    text(
                        "the assumption behind '{id}' is {age} day old on {date} "
                        "(more than {max_age})",
                        plural="the assumption behind '{id}' is {age} days old on {date} "
                        "(more than {max_age})",
                        count=age,
                        id=tid,
                        age=str(age),
                        date=ref.isoformat(),
                        max_age=str(max_age),
                    ),
                    ctx.tp_position(tid, *loc),
                    hint=text("check it with customers and record it as observed or reported"),
                    age_days=age,
                    max_age_days=max_age,
                    reference_date=ref.isoformat(),
                )
        if not stale:
            yield ok(touchpoint_subject(tid))


@register("JM207", "lint.pain_without_opportunity", kind="lint", severity=Severity.WARNING)
def pain_without_opportunity(ctx: Context) -> Iterator[Outcome]:
    """Pain points with no opportunity written next to them.

    A journey map is for deciding what to fix; a pain without an idea is half a row.

    Fails::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                pain_points: [Delivery costs appear late]
                evidence: {kind: observed}

    Passes::

        journeymap: 1
        id: shop
        title: Shop
        stages:
          - id: buy
            name: Buy
            touchpoints:
              - id: checkout
                name: Checkout
                pain_points: [Delivery costs appear late]
                opportunities: [Show delivery costs on the product page]
                evidence: {kind: observed}
    """
    for tid in ctx.touchpoints:
        tp = ctx.G.nodes[tid][g.TOUCHPOINT]
        if tp.pain_points and not tp.opportunities:
            n = len(tp.pain_points)
            yield fail(
                touchpoint_subject(tid),
                text(
                    "'{id}' has {n} pain point and no opportunities",
                    plural="'{id}' has {n} pain points and no opportunities",
                    count=n,
                    id=tid,
                    n=str(n),
                ),
                ctx.tp_position(tid, "pain_points"),
                hint=text("add 'opportunities: [...]' with at least one idea"),
            )
        else:
            yield ok(touchpoint_subject(tid))
