"""Value at stake of the map's opportunities: computed from the measured flow, never typed.

Each opportunity object is priced on one basis (``docs/decisions.md``, "Value at stake"):

``what-if`` (it has ``expected``)
    The exact change of expected conversions (and of their value) when the chain's rows of the
    touchpoints it addresses change as ``expected`` says, all at once, solved again:
    ``dC = E (alpha . N' r' - alpha . N r)``, with ``E`` the chain entries, ``N = (I - Q)^-1``,
    ``r = R 1`` (or ``R g`` with the goals' values ``g``). For a single touchpoint this is the
    Sherman-Morrison closed form of :func:`~journeymap.analysis.chain.what_if_pro_rata`
    (``close_exits``, ``drop_off``) or :func:`~journeymap.analysis.chain.what_if_edge`
    (``transition``), which the tests hold it to. ``close_exits: f`` moves ``f l_i`` of the exit
    probability ``l_i`` to the continuing outcomes pro rata (each scaled by ``1 + f l_i / s_i``);
    ``drop_off: -p`` moves ``min(p, l_i)`` the same way; ``transition: {to: j, share: f}``
    moves ``f l_i`` onto the one transition to ``j``. Interval: the same change solved on each
    Dirichlet row draw of the bootstrap (:func:`~journeymap.analysis.bootstrap.drawn_probabilities`;
    Efron and Tibshirani 1993, percentile interval), customers independent.
``scenario`` (it names a scenario)
    ``E' C' - E C`` (and the same in value) between the map with the scenario applied and the
    map as written, both solved by :func:`~journeymap.analysis.run.prepare` as ``analyze
    --compare-scenario`` does. No interval: a scenario's counts are a forecast, and the
    bootstrap of measured counts says nothing of its uncertainty.
``leak-bound`` (neither)
    The sum of the leak costs ``L_i = x_i b_i / s_i`` (lost conversions, lost value) of the
    touchpoints it addresses: what closing every exit there would at most recover to first
    order, an upper bound of what the opportunity can be worth. Interval: the percentile
    interval of the per-draw sum of the bootstrap's leak costs.

The rank orders the open opportunities (``idea``, ``planned``, ``in-progress``) with an effort
and a value by value per unit of effort, descending, then value, then id; ``done`` and
``dropped`` ones keep their figures but no rank (their value is no longer at stake).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import networkx as nx
import numpy as np

from journeymap.analysis.bootstrap import drawn_probabilities, interval
from journeymap.analysis.chain import Chain, ChainProbabilities, Factor
from journeymap.analysis.document import rounded
from journeymap.analysis.opportunity_results import (
    AddressedLeak,
    Basis,
    LeftOut,
    Portfolio,
    PricedOpportunity,
    TextOpportunity,
    ValueAtStake,
)
from journeymap.analysis.run import Options, Run, prepare
from journeymap.graph import CURRENCY, MAP_ID
from journeymap.model import Expected, JourneyMap, Opportunity

# ------------------------------------------------------------------------------ what-if

NO_STAKE = ValueAtStake(None, None, None, None)
"""The value at stake of an opportunity that cannot be priced (ranked out as ``no value``)."""


def _left_out(run: Run, tid: str) -> LeftOut | None:
    if tid not in run.G:
        return LeftOut(tid, "removed")
    if tid in run.goals:
        return LeftOut(tid, "goal")
    if tid not in run.chain.index:
        return LeftOut(tid, "after-goal")
    if not run.sol.P.continuing[run.chain.index[tid]] > 0:
        return LeftOut(tid, "nothing-continues")
    return None


def patched(
    chain: Chain, P: ChainProbabilities, expected: Expected, states: Sequence[int]
) -> ChainProbabilities:
    """The chain's probabilities after ``expected`` at each of ``states`` (continuing rows).

    >>> import networkx as nx
    >>> from journeymap.analysis.chain import build_chain
    >>> G = nx.DiGraph()
    >>> G.add_node("cart", order=0, entries=100, exits=40, unknown=0, flow_residual=0)
    >>> G.add_node("paid", order=1, entries=0, exits=0, unknown=0, flow_residual=0)
    >>> G.add_edge("cart", "paid", count=60)
    >>> chain = build_chain(G, ["paid"], [])
    >>> P = patched(chain, chain.probabilities(), Expected(close_exits="25%"), [0])
    >>> round(float(P.lost[0]), 9), round(float(P.R[0, 0]), 9)   # 10 of 40 exits continue
    (0.3, 0.7)
    """
    import scipy.sparse as sp  # a priced opportunity only

    Q = sp.csr_matrix(P.Q, copy=True)
    R, lost, after = P.R.copy(), P.lost.copy(), P.after.copy()
    extra: tuple[list[int], list[int], list[float]] = ([], [], [])
    for i in states:
        move = _moved(expected, float(lost[i]))
        lost[i] -= move
        tr = expected.transition
        if tr is not None:
            if tr.to in chain.index:
                extra[0].append(i)
                extra[1].append(chain.index[tr.to])
                extra[2].append(move)
            elif tr.to in chain.goals:
                R[i, chain.goals.index(tr.to)] += move
            else:  # an after-goal touchpoint: can no longer convert
                after[i] += move
            continue
        scale = 1 + move / float(P.continuing[i])
        Q.data[Q.indptr[i] : Q.indptr[i + 1]] *= scale
        R[i, :] *= scale
        after[i] *= scale
    if extra[0]:
        Q = sp.csr_matrix(Q + sp.csr_matrix((extra[2], (extra[0], extra[1])), shape=Q.shape))
    return ChainProbabilities(Q, R, lost, P.unknown.copy(), after)


def _moved(expected: Expected, exit_probability: float) -> float:
    """The exit probability that ``expected`` moves at one touchpoint."""
    if expected.drop_off is not None:
        return min(-expected_fraction(expected), exit_probability)
    return expected_fraction(expected) * exit_probability


def expected_fraction(expected: Expected) -> float:
    """The fraction written in ``expected`` (``10%`` is 0.1, ``-5pp`` is -0.05)."""
    from journeymap.model import parse_signed_effect

    if expected.transition is not None:
        return expected.transition.fraction
    text = expected.close_exits if expected.close_exits is not None else expected.drop_off
    assert text is not None
    return parse_signed_effect(text)[0]


def expected_outcome(chain: Chain, P: ChainProbabilities) -> tuple[float, float | None]:
    """Expected conversions and value of the chain's entrants: ``E alpha . N R 1`` and
    ``E alpha . N R g`` (None when a goal has no value)."""
    E = float(chain.entries.sum())
    if E <= 0 or chain.n == 0:
        return 0.0, (None if chain.goal_values is None else 0.0)
    rhs = [P.R.sum(axis=1)]
    if chain.goal_values is not None:
        rhs.append(P.R @ chain.goal_values)
    X = Factor(P.Q).solve(np.column_stack(rhs))
    alpha = chain.entries / E
    conv = E * float(alpha @ X[:, 0])
    return conv, (E * float(alpha @ X[:, 1]) if chain.goal_values is not None else None)


@dataclass(frozen=True)
class Draws:
    """The bootstrap's row draws and the expected outcome of each (solved once, shared by
    every what-if)."""

    probabilities: Sequence[ChainProbabilities]
    outcomes: Sequence[tuple[float, float | None]]


def draws_of(chain: Chain, samples: int, seed: int) -> Draws:
    drawn = drawn_probabilities(chain, samples, seed)
    return Draws(drawn, [expected_outcome(chain, P) for P in drawn])


def _what_if(run: Run, expected: Expected, states: Sequence[int], draws: Draws) -> ValueAtStake:
    chain = run.chain
    c0, v0 = expected_outcome(chain, run.sol.P)
    c1, v1 = expected_outcome(chain, patched(chain, run.sol.P, expected, states))
    conv_draws, value_draws = [], []
    for P, (a, av) in zip(draws.probabilities, draws.outcomes, strict=True):
        b, bv = expected_outcome(chain, patched(chain, P, expected, states))
        conv_draws.append(b - a)
        value_draws.append(np.nan if av is None or bv is None else bv - av)
    confidence = run.options.confidence
    return ValueAtStake(
        conversions=c1 - c0,
        conversions_interval=interval(np.asarray(conv_draws), confidence) if conv_draws else None,
        value=None if v0 is None or v1 is None else v1 - v0,
        value_interval=interval(np.asarray(value_draws), confidence) if conv_draws else None,
    )


# ------------------------------------------------------------------------------ other bases


def _leak_bound(run: Run, states: Sequence[int]) -> ValueAtStake:
    idx = list(states)
    lost = float(np.sum(run.lost[idx])) if run.goals else None
    lost_value = None if run.lost_value is None else float(np.sum(run.lost_value[idx]))
    draws, confidence = run.draws, run.options.confidence
    conv_int = value_int = None
    if draws is not None and idx:
        conv_int = interval(draws.lost[:, idx].sum(axis=1), confidence)
        if draws.lost_value is not None:
            value_int = interval(draws.lost_value[:, idx].sum(axis=1), confidence)
    return ValueAtStake(lost, conv_int, lost_value, value_int)


def scenario_gain(as_is: Run, to_be: Run) -> ValueAtStake:
    """``E' C' - E C`` and the same in value, to-be against as-is (no interval)."""
    c0, v0 = expected_outcome(as_is.chain, as_is.sol.P)
    c1, v1 = expected_outcome(to_be.chain, to_be.sol.P)
    return ValueAtStake(c1 - c0, None, None if v0 is None or v1 is None else v1 - v0, None)


# ------------------------------------------------------------------------------ portfolio


def _leaks(run: Run, addresses: Sequence[str]) -> tuple[AddressedLeak, ...]:
    out = []
    for tid in addresses:
        i = run.chain.index.get(tid)
        ok = i is not None and run.goals and run.sol.P.continuing[i] > 0
        lost = float(run.lost[i]) if ok and i is not None else None
        value = run.lost_value
        out.append(
            AddressedLeak(
                touchpoint=tid,
                leak_rank=None,
                lost_conversions=lost,
                lost_value=None if value is None or lost is None or i is None else float(value[i]),
            )
        )
    return tuple(out)


def _effect(expected: Expected | None) -> str | None:
    if expected is None:
        return None
    if expected.transition is not None:
        return f"transition {expected.transition.share} to {expected.transition.to}"
    if expected.close_exits is not None:
        return f"close_exits {expected.close_exits}"
    return f"drop_off {expected.drop_off}"


def price(
    o: Opportunity,
    run: Run,
    scenario_runs: Mapping[str, tuple[Run, Run]],
    draws: Draws | None = None,
) -> PricedOpportunity:
    """One opportunity's value at stake on its basis (module docstring), without its rank;
    ``scenario_runs`` holds ``(as written, with the scenario)`` of each scenario."""
    left = [lo for lo in (_left_out(run, t) for t in o.addresses) if lo is not None]
    gone = {lo.touchpoint for lo in left}
    states = [run.chain.index[t] for t in o.addresses if t not in gone]
    basis: Basis
    if o.scenario is not None:
        runs = scenario_runs.get(o.scenario)
        basis, stake = "scenario", NO_STAKE if runs is None else scenario_gain(*runs)
    elif o.expected is not None:
        basis, stake = "what-if", _what_if(run, o.expected, states, draws or Draws((), ()))
    else:
        basis, stake = "leak-bound", _leak_bound(run, states)
    measure = stake.value if run.chain.goal_values is not None else stake.conversions
    return PricedOpportunity(
        rank=None,
        id=o.id,
        text=o.text,
        owner=o.owner,
        status=o.status,
        effort=o.effort,
        confidence=o.confidence,
        addresses=tuple(o.addresses),
        scenario=o.scenario,
        basis=basis,
        effect=_effect(o.expected),
        value_at_stake=stake,
        value_per_effort=None if measure is None or o.effort is None else measure / o.effort,
        leaks=_leaks(run, o.addresses),
        left_out=tuple(left),
    )


def unranked_reason(p: PricedOpportunity) -> str | None:
    """Why an opportunity has no rank (its status, no effort, no value), or None."""
    if p.status in ("done", "dropped"):
        return p.status
    if p.effort is None:
        return "no effort"
    if p.value_per_effort is None:
        return "no value"
    return None


def ranked(priced: Sequence[PricedOpportunity]) -> tuple[PricedOpportunity, ...]:
    """Ranked first (value per effort desc, value desc, id), then the rest in map order."""

    def key(p: PricedOpportunity) -> tuple[float, float, str]:
        s = p.value_at_stake
        value = s.value if s.value is not None else s.conversions
        return (-(p.value_per_effort or 0.0), -(value or 0.0), p.id)

    open_ = sorted((p for p in priced if unranked_reason(p) is None), key=key)
    rest = [p for p in priced if unranked_reason(p) is not None]
    return tuple(replace(p, rank=r) for r, p in enumerate(open_, 1)) + tuple(rest)


def portfolio(
    jm: JourneyMap,
    G: nx.DiGraph[str],
    scenarios: Mapping[str, nx.DiGraph[str]] | None = None,
    options: Options | None = None,
    as_written: nx.DiGraph[str] | None = None,
) -> Portfolio:
    """Price and rank every opportunity object of ``jm`` (the map as written) on the graph
    ``G`` (the map, or the map with ``options.scenario`` applied, with its overlay).

    ``scenarios`` holds the graph of each scenario an opportunity names (the map with the
    scenario applied), priced against ``as_written`` (default ``G``); ``options`` the goal,
    bootstrap and confidence (``samples=0``: no intervals).
    """
    options = options or Options()
    run = prepare(G, options)
    objects = jm.opportunity_objects()
    needed = {o.scenario for o in objects if o.scenario is not None}
    plain = replace(options, samples=0)
    base = run if as_written is None else prepare(as_written, plain)
    scenario_runs = {
        name: (base, prepare(graph, plain))
        for name, graph in (scenarios or {}).items()
        if name in needed
    }
    draws = (
        draws_of(run.chain, options.samples, options.seed)
        if run.goals and any(o.expected is not None for o in objects)
        else None
    )
    ranks = {lk: r for r, lk in enumerate(_leak_order(run), 1)}
    priced = []
    for o in objects:
        p = price(o, run, scenario_runs, draws)
        leaks = tuple(replace(lk, leak_rank=ranks.get(lk.touchpoint)) for lk in p.leaks)
        priced.append(replace(p, leaks=leaks))
    out = ranked(priced)
    reasons: dict[str, int] = {}
    for p in out:
        reason = unranked_reason(p)
        if reason is not None:
            reasons[reason] = reasons.get(reason, 0) + 1
    return rounded(
        Portfolio(
            map=G.graph.get(MAP_ID),
            currency=G.graph.get(CURRENCY),
            goals=tuple(run.goals),
            measure="value" if run.chain.goal_values is not None else "conversions",
            samples=options.samples,
            seed=options.seed,
            confidence=options.confidence,
            scenario=options.scenario,
            persona=options.persona,
            opportunities=out,
            texts=tuple(
                TextOpportunity(tp.id, o)
                for _, tp in jm.iter_touchpoints()
                for o in tp.opportunities
                if isinstance(o, str)
            ),
            unranked=dict(sorted(reasons.items())),
        )
    )


def _leak_order(run: Run) -> list[str]:
    """Touchpoint ids in the order of ``analyze``'s ``leaks[]`` (its one ranking)."""
    from journeymap.analysis.core import survey_figures
    from journeymap.analysis.leaks import leak_ranking

    return [lk.touchpoint for lk in leak_ranking(run, survey_figures(run))]
