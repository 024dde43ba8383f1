"""What ``journeymap cohorts`` loads: its definitions (``analysis.cohorts``) without the rest of
the analysis package (the chain, networkx), which ``journeymap.analysis`` loads on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import ROOT
from tests.test_imports import loaded_by


def test_cohorts_loads_neither_the_chain_nor_networkx(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(
        "user_id,timestamp,event\na,2026-01-05T10:00:00Z,buy\na,2026-02-05T10:00:00Z,buy\n",
        encoding="utf-8",
    )
    code, modules = loaded_by(tmp_path, "cohorts", str(log), "--goal-event", "buy", "-q")
    assert code == 0
    assert "journeymap.analysis.cohorts" in modules and "journeymap.events.goal_events" in modules
    assert "networkx" not in modules
    assert not any(m.startswith("journeymap.analysis.chain") for m in modules)


def test_the_package_names_are_the_functions_whichever_loads_first() -> None:
    """``compare`` is a function and a submodule: loading the submodule first must not bind
    the module over the function (the package binds the names on first use)."""
    probe = (
        "import sys\n"
        "import journeymap.analysis.compare\n"
        "import journeymap.analysis as package\n"
        "module = sys.modules['journeymap.analysis.compare']\n"
        "from journeymap.analysis import analyze, compare\n"
        "assert callable(compare) and compare is module.compare is package.compare\n"
        "assert package.NonAbsorbingChainError.__name__ == 'NonAbsorbingChainError'\n"
        "print(sorted(n for n in package.__all__ if callable(getattr(package, n))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.count("'") == 20  # every one of the ten names is bound and callable
