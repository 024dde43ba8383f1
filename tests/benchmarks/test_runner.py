"""The benchmark page keeps the sections that were not run this time."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.support import ROOT


def _runner() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_sections_not_run_keep_their_text() -> None:
    run = _runner()
    old_page = run.render(
        {"A": "## A\n_Run on 2026-01-01._\n\nold a\n", "B": "## B\nold b\n"}, ["A", "B"], {}
    )
    old = run.existing_sections(old_page)
    assert set(old) == {"A", "B"}
    fresh = run.section_text("B", run.Section(["x"], [["1"]]), "", quick=True)
    page = run.render({"B": fresh}, ["A", "B"], old)
    assert "old a" in page and "old b" not in page
    assert "quick mode" in page
    assert page.index("## A") < page.index("## B")
