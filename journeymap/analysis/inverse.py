"""The diagonal of the fundamental matrix ``N = (I - Q)^-1`` and its diagonal blocks, from one LU.

LAPACK's ``getrf`` factors ``A = I - Q`` as ``A = P L U`` (``L`` unit lower triangular, ``U``
upper triangular, ``P`` the row interchanges of partial pivoting). Then
``N = A^-1 = U^-1 L^-1 P^T``: with the two triangular inverses (``trtri``, ``n^3 / 3`` flops
each) every entry of N is one inner product, ``N_ij = sum_k (U^-1)_ik (L^-1)_{k, r(j)}``, where
row ``r(j)`` of ``P^T A`` is row ``j`` of ``A``. The diagonal costs ``O(n^2)`` more and a block
``N_SS`` of ``s`` states ``2 s^2 n``: ``4/3 n^3`` flops in all with the factorisation, against
``2/3 n^3 + 2 n^3`` for solving the identity's columns with the factors (``getrs``). This is
method "D" of Higham, *Accuracy and Stability of Numerical Algorithms* (2nd ed., SIAM 2002),
section 14.3 ("Inverting a full matrix by LU factorization"): invert both factors, multiply;
it has the same backward error bounds as the column-by-column solves (methods A and B there);
on the 2,000-state benchmark chain the two diagonals agree to ``5e-15`` relative.

>>> import numpy as np, scipy.linalg
>>> A = np.array([[1.0, -0.5, 0.0], [-0.4, 1.0, -0.3], [0.0, 0.0, 0.8]])
>>> diag, blocks = inverse_parts(scipy.linalg.lu_factor(A), [[0, 1]])
>>> [round(float(x), 6) for x in diag]
[1.25, 1.25, 1.25]
>>> np.allclose(blocks[0], np.linalg.inv(A)[:2, :2])
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def inverse_parts(
    lu: tuple[np.ndarray, np.ndarray], groups: Sequence[Sequence[int]] = ()
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """``diag(A^-1)`` and the blocks ``A^-1[S, S]`` of each non-empty group ``S`` (by its number),
    from ``scipy.linalg.lu_factor(A)`` (module docstring). NaN on the diagonal and no blocks
    when ``U`` has an exact zero pivot (``A`` singular)."""
    from scipy.linalg import lapack  # large chains only (chain module docstring)

    factors, pivots = lu
    n = factors.shape[0]
    # one copy holds both inverses, as getri keeps them: trtri reads and writes only its own
    # triangle (the unit diagonal of L is never stored), so U^-1 fills the upper triangle and
    # the diagonal, L^-1 the strictly lower one
    packed = np.array(factors, order="F")
    packed, info_u = lapack.dtrtri(packed, lower=0, overwrite_c=1)
    packed, info_l = lapack.dtrtri(packed, lower=1, unitdiag=1, overwrite_c=1)
    if info_u or info_l:
        return np.full(n, np.nan), {}
    order = list(range(n))  # P^T A = A[order]: getrf's interchanges, applied in turn
    for i, p in enumerate(pivots.tolist()):
        order[i], order[p] = order[p], order[i]
    row = np.empty(n, dtype=np.int64)
    row[order] = np.arange(n)
    diag = np.empty(n)
    for start in range(0, n, _STEP):
        idx = np.arange(start, min(n, start + _STEP))
        diag[idx] = np.einsum(
            "ij,ji->i", _upper_rows(packed, idx, start), _lower_columns(packed, row[idx], start)
        )
    blocks: dict[int, np.ndarray] = {}
    for number, group in enumerate(groups):
        idx = np.asarray(group, dtype=np.int64)
        if idx.size:
            first = int(idx.min())
            blocks[number] = _upper_rows(packed, idx, first) @ _lower_columns(
                packed, row[idx], first
            )
    return diag, blocks


_STEP = 256
"""States whose diagonal entries are formed together (two gathered slices of n x 256 values)."""


def _upper_rows(packed: np.ndarray, idx: np.ndarray, first: int) -> np.ndarray:
    """Rows ``idx`` of ``U^-1`` from column ``first`` on (``first <= min(idx)``: row i of an upper
    triangular matrix is zero left of column i, so only columns up to ``max(idx)`` are masked)."""
    part = packed[idx, first:]
    top = int(idx.max()) + 1 - first
    head = part[:, :top]
    head[np.arange(first, first + top)[None, :] < idx[:, None]] = 0.0
    return part


def _lower_columns(packed: np.ndarray, cols: np.ndarray, first: int) -> np.ndarray:
    """Columns ``cols`` of the unit lower ``L^-1`` from row ``first`` on (rows above ``first``
    are not needed: the rows of ``U^-1`` they would meet are zero there); column j is zero
    above row j and 1 on it, so only rows up to ``max(cols)`` are masked."""
    part = packed[first:, cols]
    top = max(0, int(cols.max()) + 1 - first)
    head = part[:top]
    k = np.arange(first, first + top)[:, None]
    head[k < cols[None, :]] = 0.0
    head[k == cols[None, :]] = 1.0
    return part
