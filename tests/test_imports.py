"""What `journeymap check` loads: the heavy libraries stay out of the CI path.

import-linter (pyproject.toml) sees every import statement, lazy or not; these tests look at what
a real run loads, which is what makes `check` start fast.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

HEAVY = (
    "scipy",
    "babel",
    "jinja2",
    "matplotlib",
    "graphviz",
    "duckdb",
    "pandas",
    "pyarrow",
    "pyspark",
    "pptx",
    "fontTools",
)
"""Never loaded by `check` or `validate` of the example maps (issue 14: a cold check loads what
a check needs; a chain of at most `analysis.chain.DENSE_LIMIT` states is solved with numpy)."""


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


_PROBE = """
import json, sys
from journeymap.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def loaded_by(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """Run the CLI's main in a fresh interpreter; return its exit code and every module loaded."""
    report = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    subprocess.run(
        [sys.executable, "-c", _PROBE, str(report), *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = json.loads(report.read_text(encoding="utf-8"))
    return result["code"], set(result["modules"])


def test_check_loads_no_heavy_library(tmp_path: Path) -> None:
    code, modules = loaded_by(tmp_path, "check", "maps/first-purchase.yaml")
    assert code == 0
    assert "journeymap.checks.runner" in modules  # the probe really ran the checks
    assert "journeymap.analysis.chain" in modules  # and its limits solved the chain
    assert _heavy(modules) == []


def test_check_and_validate_of_every_example_map_load_no_heavy_library(tmp_path: Path) -> None:
    """Every example map (in every language) through `check` (with a baseline overlay too)
    and `validate`: no scipy, Babel, jinja2, plotting, DuckDB, pandas or pptx."""
    for args in (
        ("check", "maps/"),
        (
            "check",
            "maps/first-purchase.yaml",
            "--baseline",
            "maps/first-purchase.yaml",
            "--baseline-data",
            "maps/overlays/first-purchase.2026-Q2.yaml",
        ),
        ("validate", "maps/"),
    ):
        code, modules = loaded_by(tmp_path, *args)
        assert code in (0, 1), args
        assert _heavy(modules) == [], args


GRAPH = ("networkx", "numpy")
"""Not loaded by `validate` of maps without an overlay (issue 14: it counts touchpoints and
transitions from the model; networkx was a third of a cold `validate`)."""


def test_validate_loads_no_graph_library(tmp_path: Path) -> None:
    code, modules = loaded_by(tmp_path, "validate", "maps/")
    assert code == 0
    assert "journeymap.io.yamlbuild" in modules  # the probe really read the maps
    assert sorted(m for m in modules if m.split(".")[0] in GRAPH) == []
    # cross-check: with an overlay the graph counts the transitions, so networkx is loaded
    code, modules = loaded_by(
        tmp_path,
        "validate",
        "maps/first-purchase.yaml",
        "--data",
        "maps/overlays/first-purchase.2026-Q2.yaml",
    )
    assert code == 0
    assert "networkx" in modules


def test_a_large_chain_is_solved_sparse(tmp_path: Path) -> None:
    """Cross-check of the probe and of the split: a chain above the dense limit does load scipy
    (SuperLU), so the small-map path above really is a different one."""
    lines = ["journeymap: 1", "id: long", "title: Long", "stages:", "  - id: s", "    name: S"]
    lines.append("    touchpoints:")
    for i in range(400):
        lines += [f"      - id: t{i:03d}", f"        name: T{i}"]
        lines.append(
            "        entries: 1000" if i == 0 else "        goal: true" if i == 399 else ""
        )
        if i < 399:
            lines.append(f"        next: {{t{i + 1:03d}: {1000 - 2 * i}}}")
    big = tmp_path / "big.yaml"
    big.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
    code, modules = loaded_by(tmp_path, "analyze", str(big), "--samples", "0", "-q")
    assert code == 0
    assert "scipy.sparse.linalg" in modules


def test_the_probe_sees_a_heavy_import(tmp_path: Path) -> None:
    """Cross-check of the probe itself: rendering a graph does load graphviz's package."""
    out = tmp_path / "graph.dot"
    code, modules = loaded_by(
        tmp_path, "render", "maps/first-purchase.yaml", "--view", "graph", "-o", str(out), "-q"
    )
    assert code == 0
    assert "journeymap.render.dot" in modules


def test_no_module_imports_scipy_stats() -> None:
    """import-linter knows external packages only by top-level name, so this one is checked here:
    statistics are plain Python, scipy.stats is for the tests' cross-checks."""
    offenders = []
    for path in sorted((ROOT / "journeymap").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            if any(n == "scipy.stats" or n.startswith("scipy.stats.") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
