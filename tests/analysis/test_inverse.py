"""The diagonal and diagonal blocks of ``A^-1`` from the triangular inverses of one LU, against
``numpy.linalg.inv`` (an independent LAPACK path: ``gesv`` on the identity)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from journeymap.analysis.inverse import inverse_parts


def _pivoting_matrix(n: int, seed: int) -> np.ndarray:
    """A random nonsymmetric matrix whose LU needs row interchanges (no dominant diagonal)."""
    return np.random.default_rng(seed).normal(size=(n, n))


@pytest.mark.parametrize("n, seed", [(1, 0), (2, 1), (7, 2), (60, 3), (301, 4)])
def test_diagonal_and_blocks_equal_the_inverse(n: int, seed: int) -> None:
    A = _pivoting_matrix(n, seed)
    lu = scipy.linalg.lu_factor(A)
    assert n < 7 or (lu[1] != np.arange(n)).any()  # the interchanges are exercised
    rng = np.random.default_rng(seed)
    groups = [
        list(range(n // 2)),  # contiguous, from the start
        sorted(rng.choice(n, size=max(1, n // 3), replace=False).tolist()),  # scattered
        [],  # empty: no block
        [n - 1],
    ]
    diag, blocks = inverse_parts(lu, groups)
    N = np.linalg.inv(A)
    scale = np.abs(N).max()
    np.testing.assert_allclose(diag, np.diagonal(N), rtol=0, atol=1e-11 * scale)
    assert sorted(blocks) == [k for k, g in enumerate(groups) if g]
    for k, block in blocks.items():
        idx = np.asarray(groups[k])
        np.testing.assert_allclose(block, N[np.ix_(idx, idx)], rtol=0, atol=1e-11 * scale)


def test_a_hand_worked_chain() -> None:
    # I - Q of a -> b (0.5), b -> a (0.4), b -> c (0.3), c -> c (0.2): the loop a <-> b returns
    # with probability 0.5 * 0.4 = 0.2, so N_aa = N_bb = 1 / (1 - 0.2) = 1.25; c only loops on
    # itself, N_cc = 1 / (1 - 0.2) = 1.25; N_ab = 0.5 N_bb = 0.625, N_ba = 0.4 N_aa = 0.5
    A = np.array([[1.0, -0.5, 0.0], [-0.4, 1.0, -0.3], [0.0, 0.0, 0.8]])
    diag, blocks = inverse_parts(scipy.linalg.lu_factor(A), [[0, 1], [2]])
    np.testing.assert_allclose(diag, [1.25, 1.25, 1.25], rtol=1e-15)
    np.testing.assert_allclose(blocks[0], [[1.25, 0.625], [0.5, 1.25]], rtol=1e-15)
    np.testing.assert_allclose(blocks[1], [[1.25]], rtol=1e-15)


def test_a_singular_factor_gives_no_diagonal() -> None:
    A = np.array([[1.0, 1.0], [1.0, 1.0]])
    with pytest.warns(scipy.linalg.LinAlgWarning):
        lu = scipy.linalg.lu_factor(A)
    diag, blocks = inverse_parts(lu, [[0, 1]])
    assert np.isnan(diag).all()
    assert blocks == {}
