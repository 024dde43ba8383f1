"""The absorbing Markov chain of a journey map, and the exact quantities solved on it.

Chain states are the *chain touchpoints* (every touchpoint except the selected goals and the
after-goal touchpoints). Absorbing outcomes: each selected goal (a conversion), LOST (an exit),
UNKNOWN (declared unknown departures and positive flow residuals) and AFTER (a transition into
an after-goal touchpoint, which can no longer convert). In-progress journeys are censored: rows
are estimated on completed departures ``m_i`` only.

Linear systems are solved with dense LU below :data:`DENSE_LIMIT` states and sparse LU
(``scipy.sparse.linalg.splu``) above; the inverse ``N = (I - Q)^-1`` is never formed. A chain
of at most :data:`DENSE_LIMIT` states is held as a dense array and solved with numpy's LAPACK
(``numpy.linalg.solve`` is ``getrf`` + ``getrs``, the same steps as ``scipy.linalg.lu_factor``
and ``lu_solve``), so the analysis of a small map never imports scipy (issue 14: a cold
``journeymap check`` loads what a check needs); row sums and products add in column order, as
a sparse row does, so both forms give the same figures.

Reach probabilities and removal effects need the diagonal of N, and the stage funnel needs the
diagonal blocks ``N_SS`` of each stage. A walk can only come back to a touchpoint through the
loop (strongly connected component) it sits in, so when every loop is small, ``N_kk`` is solved
inside its component and each stage's reach is one sparse solve. When one loop spans more than
:data:`DENSE_LIMIT` touchpoints (up to :data:`COLUMN_DENSE_LIMIT`), one dense LU is factored and
its two triangular factors inverted (:mod:`journeymap.analysis.inverse`: the diagonal and the
stage blocks of N at a third of the flops of solving every column), and stage reach then follows
from the Woodbury identity without another factorisation (``docs/analysis.md``, "Numerics").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeAlias

import networkx as nx
import numpy as np

from journeymap.analysis.inverse import inverse_parts
from journeymap.errors import AnalysisError
from journeymap.facts import CLOSED_LOOP_HINT, NEGLIGIBLE, cannot_end
from journeymap.graph import (
    COUNT,
    ENTRIES,
    EXITS,
    FLOW_RESIDUAL,
    UNKNOWN,
    VALUE,
    touchpoints_in_order,
)

if TYPE_CHECKING:
    import scipy.sparse as sp

DENSE_LIMIT = 300
"""Below this many chain states, dense LU (LAPACK); above, sparse LU (SuperLU)."""
COLUMN_DENSE_LIMIT = 4000
"""Largest chain whose columns of N are solved through one dense LU when a loop is large."""

Matrix: TypeAlias = "np.ndarray | sp.csr_matrix"
"""Transitions between chain states: a dense array up to :data:`DENSE_LIMIT` states, else CSR."""


def dense(M: Matrix) -> np.ndarray:
    """The matrix as a dense array, whichever form it is held in."""
    return M if isinstance(M, np.ndarray) else np.asarray(M.toarray())


def row_sums(M: Matrix) -> np.ndarray:
    """Sum of each row, added in column order (as a CSR row adds its entries), in either form.

    >>> row_sums(np.array([[0.1, 0.0, 0.2], [0.0, 0.0, 0.0]])).tolist()
    [0.30000000000000004, 0.0]
    """
    if isinstance(M, np.ndarray):
        return np.cumsum(M, axis=1)[:, -1] if M.shape[1] else np.zeros(M.shape[0])
    return np.asarray(M.sum(axis=1)).ravel()


def times(M: Matrix, x: np.ndarray) -> np.ndarray:
    """``M @ x`` for a vector, each row added in column order (CSR's ``matvec`` order)."""
    if isinstance(M, np.ndarray):
        return row_sums(M * x[None, :])
    return np.asarray(M @ x)


def row_entries(M: Matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of the stored (nonzero) entries of row ``i``, in column order.

    >>> row_entries(np.array([[0.0, 0.5, 0.25]]), 0)
    (array([1, 2]), array([0.5 , 0.25]))
    """
    if isinstance(M, np.ndarray):
        cols = np.flatnonzero(M[i])
        return cols, M[i, cols]
    row = slice(M.indptr[i], M.indptr[i + 1])
    return M.indices[row], M.data[row]


def _scipy_sparse() -> Any:
    import scipy.sparse  # large chains only (module docstring)

    return scipy.sparse


class NonAbsorbingChainError(AnalysisError):
    """Some touchpoints form a closed loop: no exit, conversion or unknown outflow is reachable.

    ``touchpoints`` lists them in map order.
    """

    touchpoints: list[str]

    def __init__(self, touchpoints: list[str]):
        shown = ", ".join(f"'{t}'" for t in touchpoints[:20])
        more = f" and {len(touchpoints) - 20} more" if len(touchpoints) > 20 else ""
        super().__init__(
            f"the journey cannot end from {shown}{more}: customers there only move between "
            "these touchpoints (no exit, conversion or transition out of the loop)",
            hint="give one of them exits, unknown departures or a transition that leaves the "
            f"loop ({CLOSED_LOOP_HINT})",
        )
        self.touchpoints = list(touchpoints)


# ---------------------------------------------------------------------------------- chain


@dataclass
class Chain:
    """Counts and probabilities of the absorbing chain (rows in ``states`` order)."""

    states: list[str]
    goals: list[str]
    transitions: Matrix
    """Counts n_ij between chain states (:data:`Matrix`)."""
    conversions: np.ndarray
    """Counts c_ig into each selected goal, shape (n, goals)."""
    exits: np.ndarray
    unknown: np.ndarray
    """Declared unknown plus positive flow residual (implied unknown)."""
    after: np.ndarray
    """Counts into after-goal touchpoints."""
    entries: np.ndarray
    """Chain entries: declared entries, arrivals from goals and after-goal touchpoints,
    and implied entries (negative residuals)."""
    goal_values: np.ndarray | None
    """Value of one conversion at each selected goal, or None when a goal has no value."""
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {s: i for i, s in enumerate(self.states)}

    @property
    def n(self) -> int:
        return len(self.states)

    @property
    def departures(self) -> np.ndarray:
        """Completed departures m_i (every outcome except in-progress)."""
        return np.asarray(
            row_sums(self.transitions)
            + self.conversions.sum(axis=1)
            + self.exits
            + self.unknown
            + self.after
        )

    def probabilities(self) -> ChainProbabilities:
        m = self.departures
        dead = m == 0
        scale = np.where(dead, 0.0, 1.0 / np.where(dead, 1.0, m))
        T = self.transitions
        if isinstance(T, np.ndarray):
            Q: Matrix = scale[:, None] * T
        else:
            sp = _scipy_sparse()
            Q = sp.csr_matrix(sp.diags(scale) @ T)
        unknown = self.unknown * scale
        unknown[dead] = 1.0  # no completed departure: the journey's continuation is unknown
        return ChainProbabilities(
            Q=Q,
            R=self.conversions * scale[:, None],
            lost=self.exits * scale,
            unknown=unknown,
            after=self.after * scale,
        )


@dataclass
class ChainProbabilities:
    Q: Matrix
    R: np.ndarray
    lost: np.ndarray
    unknown: np.ndarray
    after: np.ndarray

    @cached_property
    def continuing(self) -> np.ndarray:
        """s_i: probability of a continuing outcome (a transition or a conversion)."""
        return np.asarray(row_sums(self.Q) + self.R.sum(axis=1) + self.after)


def build_chain(G: nx.DiGraph[str], goals: Sequence[str], after_goal: Iterable[str]) -> Chain:
    """Collect the chain's counts from the graph (see the module docstring for the states)."""
    goal_set, after_set = set(goals), set(after_goal)
    states = [t for t in touchpoints_in_order(G) if t not in goal_set and t not in after_set]
    index = {s: i for i, s in enumerate(states)}
    gindex = {goal: k for k, goal in enumerate(goals)}
    n, k = len(states), len(goals)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    conversions = np.zeros((n, k))
    exits = np.zeros(n)
    unknown = np.zeros(n)
    after = np.zeros(n)
    entries = np.zeros(n)
    for s, i in index.items():
        data = G.nodes[s]
        residual = data[FLOW_RESIDUAL]
        exits[i] = data[EXITS]
        unknown[i] = data[UNKNOWN] + max(residual, 0)
        entries[i] += data[ENTRIES] + max(-residual, 0)
    for u, v, d in G.edges(data=True):
        c = d[COUNT]
        if not c:
            continue
        if u in index:
            if v in index:
                rows.append(index[u])
                cols.append(index[v])
                vals.append(c)
            elif v in gindex:
                conversions[index[u], gindex[v]] += c
            else:  # after-goal touchpoint
                after[index[u]] += c
        elif v in index:  # from a goal or an after-goal touchpoint: a new journey
            entries[index[v]] += c
    if n <= DENSE_LIMIT:
        Qc: Matrix = np.zeros((n, n))
        Qc[rows, cols] = vals  # a DiGraph has one edge per pair
    else:
        sp = _scipy_sparse()
        Qc = sp.csr_matrix((np.asarray(vals, dtype=float), (rows, cols)), shape=(n, n))
    values = [G.nodes[goal].get(VALUE) for goal in goals]
    goal_values = (
        np.asarray(values, dtype=float) if goals and all(v is not None for v in values) else None
    )
    return Chain(
        states=states,
        goals=list(goals),
        transitions=Qc,
        conversions=conversions,
        exits=exits,
        unknown=unknown,
        after=after,
        entries=entries,
        goal_values=goal_values,
    )


def check_absorbing(chain: Chain, P: ChainProbabilities) -> None:
    """Raise :class:`NonAbsorbingChainError` when some states cannot reach any absorbing outcome
    (:func:`journeymap.facts.cannot_end` on the estimated rows). Probabilities up to
    :data:`journeymap.facts.NEGLIGIBLE` count as none, as in :func:`journeymap.facts.closed_loops`:
    a self-transition of probability ``1 - 1e-20`` rounds to 1.0 and ``I - Q`` is singular."""
    ending = (P.R.sum(axis=1) + P.lost + P.unknown + P.after) > NEGLIGIBLE
    if bool(ending.all()):
        return
    Q = P.Q

    def moves(i: int) -> list[int]:
        cols, vals = row_entries(Q, i)
        return [int(j) for j in cols[vals > NEGLIGIBLE]]

    stuck = cannot_end(range(chain.n), lambda i: bool(ending[i]), moves)
    if stuck:
        raise NonAbsorbingChainError([chain.states[i] for i in sorted(stuck)])


# ---------------------------------------------------------------------------------- solver


class Factor:
    """A factorisation of ``A = I - Q`` that solves ``A x = b`` and ``A^T x = b``."""

    def __init__(self, Q: sp.spmatrix | np.ndarray, *, dense: bool | None = None):
        n = Q.shape[0]
        self.n = n
        self.sparse = n > DENSE_LIMIT if dense is None else not dense
        self._A: np.ndarray | None = None
        if n == 0:
            return
        if not self.sparse and n <= DENSE_LIMIT:
            # small: numpy's gesv per solve (getrf + getrs, as lu_factor + lu_solve)
            self._A = np.eye(n) - (Q if isinstance(Q, np.ndarray) else Q.toarray())
            return
        import scipy.sparse as sp  # large chains only

        A = sp.identity(n, format="csc") - sp.csc_matrix(Q)
        if self.sparse:
            import scipy.sparse.linalg as spla

            self._splu = spla.splu(sp.csc_matrix(A))
        else:
            import scipy.linalg

            dense_a = A.toarray(order="F")  # LAPACK order: factored in place
            self._lu = scipy.linalg.lu_factor(dense_a, overwrite_a=True, check_finite=False)

    @property
    def lu(self) -> tuple[np.ndarray, np.ndarray]:
        """The dense factors ``(LU, pivots)`` of ``scipy.linalg.lu_factor`` (dense column path)."""
        return self._lu  # type: ignore[no-any-return]

    def solve(self, b: np.ndarray, transpose: bool = False) -> np.ndarray:
        if self.n == 0:
            return np.zeros_like(b, dtype=float)
        b = np.asarray(b, dtype=float)
        if self._A is not None:
            return np.asarray(np.linalg.solve(self._A.T if transpose else self._A, b))
        if self.sparse:
            return np.asarray(self._splu.solve(b, trans="T" if transpose else "N"))
        import scipy.linalg

        return np.asarray(
            scipy.linalg.lu_solve(self._lu, b, trans=1 if transpose else 0, check_finite=False)
        )


def fundamental_diagonal(Q: Matrix) -> np.ndarray:
    """``N_kk`` for every state, solving only inside strongly connected components.

    A walk from k can come back to k only through the component k lies in, so ``N_kk`` equals
    the diagonal of ``(I - Q_SS)^-1`` for that component S; a state on no loop has
    ``N_kk = 1 / (1 - Q_kk)``.

    >>> Q = np.array([[0, .5, 0], [.4, 0, .3], [0, 0, .2]])
    >>> [round(float(x), 6) for x in fundamental_diagonal(Q)]
    [1.25, 1.25, 1.25]
    """
    n = Q.shape[0]
    diag = np.asarray(1.0 / (1.0 - Q.diagonal()), dtype=float)
    if n == 0:
        return diag
    for idx in _loops(Q):
        block = Q[idx][:, idx]
        diag[idx] = _inverse_diagonal(block)
    return diag


def _loops(Q: Matrix) -> list[np.ndarray]:
    """The strongly connected components of more than one state, each in index order."""
    if isinstance(Q, np.ndarray):
        rows, cols = np.nonzero(Q)
        G: nx.DiGraph[int] = nx.DiGraph()
        G.add_nodes_from(range(Q.shape[0]))
        G.add_edges_from(zip(rows.tolist(), cols.tolist(), strict=True))
        comps = [sorted(c) for c in nx.strongly_connected_components(G) if len(c) > 1]
        return [np.asarray(c, dtype=np.int64) for c in sorted(comps)]
    import scipy.sparse.csgraph as csgraph  # large chains only

    ncomp, labels = csgraph.connected_components(Q, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=ncomp)
    order = np.argsort(labels, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    return [order[starts[comp] : starts[comp + 1]] for comp in np.flatnonzero(sizes > 1)]


def _inverse_diagonal(Qs: Matrix) -> np.ndarray:
    s = Qs.shape[0]
    if isinstance(Qs, np.ndarray) and s <= DENSE_LIMIT:
        return _inverse_diagonal_dense(np.eye(s) - Qs, None)
    import scipy.sparse as sp  # large chains only
    import scipy.sparse.linalg as spla

    Qs = sp.csr_matrix(Qs)
    if s <= 2 * DENSE_LIMIT or Qs.nnz > s * s / 20:
        import scipy.linalg

        lu = scipy.linalg.lu_factor(np.eye(s) - Qs.toarray(), check_finite=False)
        return _inverse_diagonal_dense(None, lu)
    lu_sparse = spla.splu(sp.csc_matrix(sp.identity(s, format="csc") - Qs))
    out = np.empty(s)
    step = 256
    for start in range(0, s, step):
        stop = min(s, start + step)
        rhs = np.zeros((s, stop - start))
        rhs[np.arange(start, stop), np.arange(stop - start)] = 1.0
        cols = lu_sparse.solve(rhs)
        out[start:stop] = cols[np.arange(start, stop), np.arange(stop - start)]
    return out


def _inverse_diagonal_dense(A: np.ndarray | None, lu: Any) -> np.ndarray:
    """The diagonal of ``A^-1`` from the identity's columns in chunks (``N e_k``), with numpy's
    solve (``A`` given) or scipy's LU factors (``lu``)."""
    s = A.shape[0] if A is not None else lu[0].shape[0]
    out = np.empty(s)
    step = 512
    for start in range(0, s, step):
        stop = min(s, start + step)
        rhs = np.zeros((s, stop - start))
        rhs[np.arange(start, stop), np.arange(stop - start)] = 1.0
        if A is not None:
            cols = np.linalg.solve(A, rhs)
        else:
            import scipy.linalg

            cols = scipy.linalg.lu_solve(lu, rhs, check_finite=False)
        out[start:stop] = cols[np.arange(start, stop), np.arange(stop - start)]
    return out


# ---------------------------------------------------------------------------------- solution


@dataclass
class Solution:
    """Everything solved on the chain, per state (arrays in ``chain.states`` order)."""

    total_entries: float
    alpha: np.ndarray | None
    B: np.ndarray
    """Conversion probability into each selected goal, shape (n, goals)."""
    b: np.ndarray
    """Conversion probability (any selected goal)."""
    b_value: np.ndarray | None
    """Expected value of conversions from each state."""
    b_lost: np.ndarray
    b_unknown: np.ndarray
    b_after: np.ndarray
    steps: np.ndarray
    """t = N 1: expected touchpoints visited before absorbing, counting the start."""
    steps_converting: np.ndarray
    """(N b)_i: expected touchpoints on the way, weighted by converting (divide by b_i)."""
    v: np.ndarray | None
    """Expected visits per chain entrant (alpha N)."""
    diag: np.ndarray
    """N_kk."""
    P: ChainProbabilities
    factor: Factor
    blocks: dict[int, np.ndarray] = field(default_factory=dict)
    """``N_SS`` for each group of states given to :func:`solve_chain` (dense column path)."""

    @property
    def conversion(self) -> float | None:
        return None if self.alpha is None else float(self.alpha @ self.b)

    @cached_property
    def reach(self) -> np.ndarray | None:
        """Probability of ever reaching each state: v_k / N_kk (computed once)."""
        return None if self.v is None else self.v / self.diag


def _largest_loop(Q: Matrix) -> int:
    if Q.shape[0] == 0:
        return 0
    import scipy.sparse.csgraph as csgraph  # large chains only

    ncomp, labels = csgraph.connected_components(Q, directed=True, connection="strong")
    return int(np.bincount(labels, minlength=ncomp).max())


def solve_chain(
    chain: Chain,
    P: ChainProbabilities | None = None,
    *,
    with_diagonal: bool = True,
    groups: Sequence[Sequence[int]] = (),
) -> Solution:
    """Factor ``I - Q`` once and solve every quantity the analysis reports.

    ``groups`` (state indices, for example one list per stage) asks for the diagonal blocks
    ``N_SS`` that :func:`stage_reach` uses; they are solved only on the dense column path.
    """
    P = P or chain.probabilities()
    check_absorbing(chain, P)
    n, k = chain.n, len(chain.goals)
    columns = (
        with_diagonal and DENSE_LIMIT < n <= COLUMN_DENSE_LIMIT and _largest_loop(P.Q) > DENSE_LIMIT
    )
    factor = Factor(P.Q, dense=True if columns else None)
    rhs_cols = [P.R, P.lost[:, None], P.unknown[:, None], P.after[:, None], np.ones((n, 1))]
    if chain.goal_values is not None:
        rhs_cols.append((P.R @ chain.goal_values)[:, None])
    rhs = np.hstack(rhs_cols) if n else np.zeros((0, k + 5))
    X = factor.solve(rhs)
    B = X[:, :k]
    b = B.sum(axis=1)
    lost, unknown, after, steps = X[:, k], X[:, k + 1], X[:, k + 2], X[:, k + 3]
    b_value = X[:, k + 4] if chain.goal_values is not None else None
    steps_converting = factor.solve(b) if n else np.zeros(0)
    total = float(chain.entries.sum())
    alpha = chain.entries / total if total > 0 else None
    v = factor.solve(alpha, transpose=True) if alpha is not None else None
    blocks: dict[int, np.ndarray] = {}
    if columns:
        diag, blocks = inverse_parts(factor.lu, groups)
    else:
        diag = fundamental_diagonal(P.Q) if with_diagonal else np.ones(n)
    return Solution(
        total_entries=total,
        alpha=alpha,
        B=B,
        b=b,
        b_value=b_value,
        b_lost=lost,
        b_unknown=unknown,
        b_after=after,
        steps=steps,
        steps_converting=steps_converting,
        v=v,
        diag=diag,
        P=P,
        factor=factor,
        blocks=blocks,
    )


# ---------------------------------------------------------------------------------- derived


def removal_effects(sol: Solution) -> np.ndarray | None:
    """Relative removal effect ``1 - C_without_k / C = (v_k / N_kk) b_k / C`` of every state.

    None when conversion is undefined or zero.
    """
    C = sol.conversion
    if C is None or C <= 0 or sol.reach is None:
        return None
    return np.asarray(sol.reach * sol.b / C)


def what_if_pro_rata(
    sol: Solution, i: int, fraction: float, weights: np.ndarray | None = None
) -> float | None:
    """Exact change of conversion (per chain entrant) when ``fraction`` of state i's exits
    continue along its continuing outcomes in proportion to their counts.

    Sherman-Morrison with ``u = lambda Q_i.``, ``lambda = X l_i / s_i``:
    ``dC = v_i lambda b_i / (1 - lambda (N_ii - 1))``. ``weights`` replaces ``b`` (for value).
    None when nothing continues (s_i = 0) or conversion is undefined.
    """
    if sol.v is None:
        return None
    s = float(sol.P.continuing[i])
    if s <= 0:
        return None
    lam = fraction * float(sol.P.lost[i]) / s
    target = sol.b if weights is None else weights
    return float(sol.v[i] * lam * target[i] / (1 - lam * (sol.diag[i] - 1)))


def what_if_edge(
    sol: Solution,
    i: int,
    fraction: float,
    target: int | None,
    goal: int | None = None,
    weights: np.ndarray | None = None,
    goal_weight: float = 1.0,
) -> float | None:
    """Exact change of conversion when ``fraction`` of state i's exits go along one transition:
    to chain state ``target`` (``dC = v_i X l_i b_j / (1 - X l_i N_ji)``, one extra solve), or to a
    goal (``goal`` set: ``dC = v_i X l_i``). After-goal targets give 0.
    """
    if sol.v is None:
        return None
    moved = fraction * float(sol.P.lost[i])
    if target is None:
        return float(sol.v[i] * moved * (goal_weight if goal is not None else 0.0))
    e = np.zeros(len(sol.b))
    e[i] = 1.0
    col = sol.factor.solve(e)
    vals = sol.b if weights is None else weights
    return float(sol.v[i] * moved * vals[target] / (1 - moved * col[target]))


def reach_of_set(
    sol: Solution, chain: Chain, members: Sequence[int], goals_in_set: Sequence[int]
) -> tuple[float | None, float | None]:
    """Probability of ever reaching a set of states (or its goals) from entry, and of reaching
    it *and* converting: set-hitting probabilities solved on the states outside the set."""
    if sol.alpha is None:
        return None, None
    n = chain.n
    inside = np.zeros(n, dtype=bool)
    inside[list(members)] = True
    outside = np.flatnonzero(~inside)
    goal_hit = sol.P.R[:, list(goals_in_set)].sum(axis=1) if len(goals_in_set) else np.zeros(n)
    reach_in = float(sol.alpha[inside].sum())
    conv_in = float(sol.alpha[inside] @ sol.b[inside])
    if outside.size == 0:
        return reach_in, conv_in
    Q = sol.P.Q
    Qoo = Q[outside][:, outside]
    Qoi = Q[outside][:, np.flatnonzero(inside)]
    rhs_h = row_sums(Qoi) + goal_hit[outside]
    rhs_g = times(Qoi, sol.b[inside]) + goal_hit[outside]
    f = Factor(Qoo)
    X = f.solve(np.column_stack([rhs_h, rhs_g]))
    return (
        reach_in + float(sol.alpha[outside] @ X[:, 0]),
        conv_in + float(sol.alpha[outside] @ X[:, 1]),
    )


def stage_reach(
    sol: Solution,
    chain: Chain,
    members: Sequence[int],
    goals_in_set: Sequence[int],
    group: int | None = None,
) -> tuple[float | None, float | None]:
    """Reach of a set of states (or of its goals) from entry, and of reaching it and converting.

    With the block ``N_SS`` of the set (``group`` given to :func:`solve_chain`), the Woodbury
    identity gives both without a new factorisation: making S absorbing changes the rows of S,
    the capacitance matrix is ``I + Q_S N_{.S} = N_SS``, and with ``y = N f``,
    ``reach = alpha.y - v_S N_SS^-1 (y_S - f_S)``. Otherwise the set-hitting system is solved
    on the states outside the set (:func:`reach_of_set`). :func:`stage_reaches` does many sets
    with one solve.
    """
    return stage_reaches(sol, chain, [(members, goals_in_set, group)])[0]


def stage_reaches(
    sol: Solution,
    chain: Chain,
    sets: Sequence[tuple[Sequence[int], Sequence[int], int | None]],
) -> list[tuple[float | None, float | None]]:
    """:func:`stage_reach` of every ``(members, goals_in_set, group)``: the right-hand sides of
    all sets with a block go through the one factorisation in a single solve (one pass over
    the LU factors instead of one per stage)."""
    if sol.alpha is None or sol.v is None:
        return [(None, None)] * len(sets)
    n = chain.n
    with_block = [i for i, (_, _, g) in enumerate(sets) if g is not None and g in sol.blocks]
    rhs = np.zeros((n, 2 * len(with_block)))
    for k, i in enumerate(with_block):
        members, goals_in_set, _ = sets[i]
        idx = np.asarray(members, dtype=np.int64)
        hit = sol.P.R[:, list(goals_in_set)].sum(axis=1) if len(goals_in_set) else np.zeros(n)
        rhs[:, 2 * k] = rhs[:, 2 * k + 1] = hit
        rhs[idx, 2 * k] = 1.0
        rhs[idx, 2 * k + 1] = sol.b[idx]
    Y = sol.factor.solve(rhs) if with_block else rhs
    out: list[tuple[float | None, float | None]] = []
    column = {i: k for k, i in enumerate(with_block)}
    for i, (members, goals_in_set, group) in enumerate(sets):
        if i not in column:
            out.append(reach_of_set(sol, chain, members, goals_in_set))
            continue
        assert group is not None
        k = column[i]
        idx = np.asarray(members, dtype=np.int64)
        y, f = Y[:, 2 * k : 2 * k + 2], rhs[:, 2 * k : 2 * k + 2]
        block = sol.blocks[group]
        corr = np.linalg.solve(block, y[idx] - f[idx]) if idx.size else np.zeros((0, 2))
        value = sol.alpha @ y - sol.v[idx] @ corr
        out.append((float(value[0]), float(value[1])))
    return out


def leak_costs(chain: Chain, sol: Solution, weights: np.ndarray | None = None) -> np.ndarray:
    """Expected conversions lost through each state's exits: ``L_i = x_i b_i / s_i``.

    ``x_i`` the exits, ``b_i`` the conversion probability of a customer who stays and
    ``s_i`` the share of completed departures that continue (``docs/analysis.md`` section 9).
    ``weights`` replaces ``b`` (``sol.b_value`` prices the loss). NaN where nothing continues
    (``s_i = 0``: the cost is undefined, warning JM504).

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("cart", order=0, entries=100, exits=40, unknown=0, flow_residual=0)
    >>> G.add_node("paid", order=1, entries=0, exits=0, unknown=0, flow_residual=0)
    >>> G.add_edge("cart", "paid", count=60)
    >>> chain = build_chain(G, ["paid"], [])
    >>> leak_costs(chain, solve_chain(chain)).tolist()   # 40 exits x b 0.6 / s 0.6
    [40.0]
    """
    s = sol.P.continuing
    b = sol.b if weights is None else weights
    out = np.full(chain.n, np.nan)
    go = s > 0
    out[go] = chain.exits[go] * b[go] / s[go]
    return out
