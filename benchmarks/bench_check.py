"""Cold start of ``journeymap check`` on a typical map, against ``python -c pass``.

Each figure is the median wall time of fresh interpreter processes (the way CI starts the
command). The import table comes from ``python -X importtime`` of the same command: the
packages that cost most of the start, so heavy ones stay off the check path.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys

from run import ROOT, Section
from timing import fmt_seconds, median_seconds

TITLE = "journeymap check: cold start"
NOTES = """Wall time of a new `python -m journeymap check ...` process (median of repeated runs,
one warm-up), against a bare `python -c pass`; the ratio is what the command adds to
starting Python. CPU time (user + system of the child) is given too: on a busy machine it moves
less than wall time. The map is `maps/first-purchase.yaml` (27 touchpoints, with includes,
limits and survey scores). Below: the largest cumulative import times (`-X importtime`)."""

HEAVY = ("graphviz", "matplotlib", "duckdb", "pyspark", "pandas", "jinja2", "scipy.stats")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update({"PYTHONPATH": str(ROOT), "NO_COLOR": "1"})
    return env


def _runner(args: list[str]) -> object:
    def go() -> None:
        subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=_env(), capture_output=True, check=False
        )

    return go


def _cpu_seconds(args: list[str], repeat: int) -> float:
    """Median CPU time (user + system) of the child process: less sensitive to a busy machine
    than wall time."""
    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=_env(), capture_output=True, check=False
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(times)


def _importtime(args: list[str]) -> list[tuple[str, int]]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    rows: list[tuple[str, int]] = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(3)) <= 1:  # top-level imports only
            rows.append((m.group(4), int(m.group(2))))
    return sorted(rows, key=lambda r: -r[1])


def run(quick: bool) -> Section:
    repeat = 3 if quick else 9
    first = "maps/first-purchase.yaml"
    cases = [
        ("python -c pass", ["-c", "pass"]),
        ("python -c 'import journeymap.cli'", ["-c", "import journeymap.cli"]),
        (f"journeymap check {first}", ["-m", "journeymap", "check", first]),
        ("journeymap check maps/ (7 maps)", ["-m", "journeymap", "check", "maps/"]),
        (
            f"journeymap check {first} --baseline (Q2 overlay)",
            [
                "-m",
                "journeymap",
                "check",
                first,
                "--baseline",
                first,
                "--baseline-data",
                "maps/overlays/first-purchase.2026-Q2.yaml",
            ],
        ),
        (
            f"journeymap check {first} --format sarif",
            ["-m", "journeymap", "check", first, "--format", "sarif"],
        ),
    ]
    times = {label: median_seconds(_runner(args), repeat=repeat) for label, args in cases}
    cpu = {label: _cpu_seconds(args, repeat) for label, args in cases}
    base, cbase = times["python -c pass"], cpu["python -c pass"]
    rows = [
        [
            label,
            fmt_seconds(t),
            f"{t / base:.1f}x",
            fmt_seconds(cpu[label]),
            f"{cpu[label] / cbase:.1f}x",
        ]
        for label, t in times.items()
    ]
    imports = _importtime(["-m", "journeymap", "check", first])
    loaded = {name for name, _ in imports}
    heavy = sorted(h for h in HEAVY if h in loaded or h.split(".")[0] in loaded)
    notes = [
        "",
        "Largest imports on the check path (cumulative, ms):",
        "",
        "| module | ms |",
        "|---|---:|",
    ]
    notes += [f"| {name} | {us / 1000:.0f} |" for name, us in imports[:8]]
    notes += [
        "",
        f"Heavy packages imported by `check`: {', '.join(heavy) or 'none'} "
        f"(never graphviz, matplotlib, duckdb, pyspark).",
    ]
    return Section(
        [
            "command",
            "median wall time",
            "vs python -c pass",
            "median CPU time",
            "CPU vs python -c pass",
        ],
        rows,
        notes,
    )


if __name__ == "__main__":
    sec = run("--quick" in sys.argv)
    for row in sec.rows:
        print(" | ".join(row))
    print("\n".join(sec.notes))
