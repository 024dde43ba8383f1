"""Every check's docstring examples run: the failing one yields its code, the passing one not."""

from __future__ import annotations

import pytest

from journeymap.checks import REGISTRY
from tests.checks.helpers import run_text

CHECKS = sorted(REGISTRY)


def test_every_check_is_documented() -> None:
    for code, check in REGISTRY.items():
        assert check.code == code
        assert check.name.split(".")[0] in ("limit", "lint", "regression"), check.name
        assert check.code[2] == {"limit": "1", "lint": "2", "regression": "3"}[check.kind]
        examples = check.examples()
        assert {"fails", "passes"} <= set(examples), code
        assert (check.kind == "regression") == bool({"baseline", "history"} & set(examples)), code
    names = [c.name for c in REGISTRY.values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("code", CHECKS)
def test_failing_example_fails(code: str) -> None:
    ex = REGISTRY[code].examples()
    result = run_text(ex["fails"], baseline=ex.get("baseline"), history=ex.get("history"))
    assert code in [f.code for f in result.findings], [str(f) for f in result.findings]


@pytest.mark.parametrize("code", CHECKS)
def test_passing_example_passes(code: str) -> None:
    ex = REGISTRY[code].examples()
    result = run_text(ex["passes"], baseline=ex.get("baseline"), history=ex.get("history"))
    assert code not in [f.code for f in result.findings], [str(f) for f in result.findings]
