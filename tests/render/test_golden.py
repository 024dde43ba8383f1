"""Text views against golden files (regenerate with tests/render/gen_golden.py, never by hand)."""

from __future__ import annotations

import pytest

from tests.render.gen_golden import CASES, GOLDEN, NOTE, render_case


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_golden(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert NOTE in expected.splitlines()[0]
    assert render_case(name) == expected, (
        f"{name} differs; if the change is intended, run tests/render/gen_golden.py"
    )


def test_every_golden_file_is_a_case() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(CASES)
