"""Attribution by channel: journeymap's exact removal effects against ChannelAttribution.

The paths are simulated, seeded, on the touchpoint chain of ``maps/first-purchase.yaml``
(``tests/analysis/paths.py``: the chain's transition probabilities, nothing of journeymap's
solver), written in ChannelAttribution's layout ``path,total_conversions,total_null,
total_conversion_value`` (channels joined by `` > ``) to ``benchmarks/.cache/attribution/``,
and attributed four ways:

- *journeymap, map*: ``attribution(G)`` on the map itself (touchpoint states, exact);
- *journeymap, paths*: ``journeymap import paths`` of the exported table onto a map with one
  touchpoint per channel, then ``analyze --by channel`` (channel states, exact, same paths);
- *ChannelAttribution* ``markov_model`` at order 1 and 2 (channel states, simulated), and its
  ``heuristic_models`` for first and last touch.

ChannelAttribution (GPL-3.0) runs in its own virtual environment (benchmarks/.cache/
venv-attribution, from benchmarks/requirements-attribution.txt), never a journeymap dependency.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from run import Section

from journeymap.analysis.chain import build_chain, solve_chain
from journeymap.analysis.channels import ChannelFigures, attribution_on
from journeymap.facts import after_goal_touchpoints, selected_goals
from journeymap.graph import CHANNEL, build_graph
from journeymap.io import load_map
from tests.analysis.paths import simulate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".cache" / "venv-attribution"
OUT = HERE / ".cache" / "attribution"
MAP = ROOT / "maps" / "first-purchase.yaml"
SEED = 2026
QUIET_JSON = ("--samples", "0", "--format", "json")

TITLE = "Attribution by channel (journeymap vs ChannelAttribution)"
NOTES = """
Shares of the period's conversions credited to each channel of `maps/first-purchase.yaml`.
*journeymap, map* is `analyze --by channel` on the map: exact removal effects on the chain of
touchpoints. The other columns read the same simulated paths (seeded walks on that chain,
exported in ChannelAttribution's layout): *journeymap, paths* imports them with `journeymap
import paths` onto a map of one touchpoint per channel and solves that chain exactly;
*CA order k* is ChannelAttribution's `markov_model(order=k)` on the same table (its own path
simulation, default `nsim_start`, `max_step`, seed 0). First and last touch: journeymap from the
map, ChannelAttribution's `heuristic_models` from the paths. `docs/analysis.md`, "By channel",
says where and why the columns differ.
"""

CA_SCRIPT = """
import json, sys, time
import pandas as pd
from ChannelAttribution import heuristic_models, markov_model
df = pd.read_csv(sys.argv[1])
out = {}
for order in (1, 2):
    t0 = time.perf_counter()
    r = markov_model(df, "path", "total_conversions", var_value="total_conversion_value",
                     var_null="total_null", order=order, out_more=True, verbose=0, flg_pro=False)
    res = r["result"]
    out[f"order{order}"] = {"seconds": time.perf_counter() - t0,
        "conversions": dict(zip(res["channel_name"], res["total_conversions"])),
        "removal": dict(zip(r["removal_effects"]["channel_name"],
                            r["removal_effects"]["removal_effects_conversion"]))}
h = heuristic_models(df, "path", "total_conversions", flg_pro=False)
out["first_touch"] = dict(zip(h["channel_name"], h["first_touch"]))
out["last_touch"] = dict(zip(h["channel_name"], h["last_touch"]))
import ChannelAttribution
from importlib.metadata import version
out["version"] = version("ChannelAttribution")
print(json.dumps(out))
"""


def _venv_python() -> Path | None:
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    ok = subprocess.run([str(py), "-c", "import ChannelAttribution"], capture_output=True)
    if ok.returncode != 0:
        req = HERE / "requirements-attribution.txt"
        inst = subprocess.run(
            [str(py), "-m", "pip", "install", "-q", "-r", str(req)],
            capture_output=True,
            text=True,
        )
        if inst.returncode != 0:
            print(f"ChannelAttribution not available: {inst.stderr[-500:]}", file=sys.stderr)
            return None
    return py


def export_paths(n: int) -> tuple[Path, tuple[ChannelFigures, ...], float]:
    """Simulate ``n`` paths on the map's chain and write them in ChannelAttribution's layout.

    Returns the table, journeymap's exact figures by channel on the map (map order) and the
    seconds the exact attribution took."""
    loaded = load_map(MAP)
    G = build_graph(loaded.map, loaded.overlay)
    goals = selected_goals(G, None)
    t0 = time.perf_counter()
    chain = build_chain(G, goals, after_goal_touchpoints(G, goals))
    sol = solve_chain(chain, with_diagonal=False)
    a = attribution_on(G, chain, sol)
    seconds = time.perf_counter() - t0
    assert sol.alpha is not None and chain.goal_values is not None
    channel_of = [G.nodes[s][CHANNEL] for s in chain.states]
    paths = simulate(sol.P, sol.alpha, n, np.random.default_rng(SEED), record=True)
    assert paths.visited is not None
    conversions: Counter[str] = Counter()
    nulls: Counter[str] = Counter()
    value: Counter[str] = Counter()
    for visited, outcome in zip(paths.visited, paths.outcome.tolist(), strict=True):
        key = " > ".join(channel_of[s] for s in visited.tolist())
        if outcome >= 0:
            conversions[key] += 1
            value[key] += float(chain.goal_values[outcome])
        else:
            nulls[key] += 1
    OUT.mkdir(parents=True, exist_ok=True)
    table = OUT / "paths.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["path", "total_conversions", "total_null", "total_conversion_value"])
        for key in sorted(set(conversions) | set(nulls)):
            w.writerow([key, conversions[key], nulls[key], round(value[key], 2)])
    return table, a.groups, seconds


def _channel_map(channels: list[str], value: float) -> str:
    lines = [
        "journeymap: 1",
        "id: channels",
        "title: One touchpoint per channel",
        f"value_per_conversion: {value}",
        "stages:",
        "  - id: all",
        "    name: All",
        "    touchpoints:",
    ]
    for c in channels:
        nxt = ", ".join([*(o for o in channels if o != c), "order"])
        lines.append(f"      - {{id: {c}, name: {c}, channel: {c}, next: [{nxt}]}}")
    lines.append("      - {id: order, name: Order, channel: web, goal: true}")
    return "\n".join(lines) + "\n"


def journeymap_on_paths(table: Path, channels: list[str]) -> tuple[dict[str, float], float]:
    """Shares by ``journeymap import paths`` + ``analyze --by channel`` on a map of channels."""
    with tempfile.TemporaryDirectory() as tmp:
        cmap = Path(tmp) / "channels.yaml"
        cmap.write_text(_channel_map(channels, 52.0), encoding="utf-8")
        overlay = Path(tmp) / "paths.json"
        jm = [sys.executable, "-m", "journeymap"]
        t0 = time.perf_counter()
        subprocess.run(
            [*jm, "import", "paths", str(table), "--map", str(cmap), "-o", str(overlay), "-q"],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        out = subprocess.run(
            [*jm, "analyze", str(cmap), "--data", str(overlay), "--by", "channel", *QUIET_JSON],
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - t0
    doc = json.loads(out.stdout)
    return {g["channel"]: g["attribution_share"] for g in doc["channels"]}, seconds


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def run(quick: bool) -> Section:
    n = 20_000 if quick else 200_000
    t0 = time.perf_counter()
    table, groups, exact_s = export_paths(n)
    sim_s = time.perf_counter() - t0
    channels = [g.channel for g in groups]
    exact = {g.channel: g.attribution_share or 0.0 for g in groups}
    first_last = {g.channel: (g.first_touch_share, g.last_touch_share) for g in groups}
    on_paths, paths_s = journeymap_on_paths(table, channels)
    ca: dict[str, object] = {}
    py = _venv_python()
    if py is not None:
        proc = subprocess.run(
            [str(py), "-c", CA_SCRIPT, str(table)], capture_output=True, text=True, check=True
        )
        ca = json.loads(proc.stdout.strip().splitlines()[-1])

    def ca_share(key: str, c: str) -> float | None:
        part = ca.get(key)
        if not isinstance(part, dict):
            return None
        conv = part.get("conversions", part)
        total = sum(conv.values())
        return conv.get(c, 0.0) / total if total else None

    rows = []
    for c in channels:
        ft, lt = first_last[c]
        rows.append(
            [
                c,
                _pct(exact[c]),
                _pct(on_paths.get(c)),
                _pct(ca_share("order1", c)),
                _pct(ca_share("order2", c)),
                f"{_pct(ft)} / {_pct(ca_share('first_touch', c))}",
                f"{_pct(lt)} / {_pct(ca_share('last_touch', c))}",
            ]
        )

    def gap(other: dict[str, float | None]) -> str:
        d = [abs(exact[c] - v) for c, v in other.items() if v is not None]
        return f"{100 * max(d):.1f} pp" if d else "n/a"

    o1 = {c: ca_share("order1", c) for c in channels}
    o2 = {c: ca_share("order2", c) for c in channels}
    rows.append(
        [
            "largest gap to *journeymap, map*",
            "",
            gap(dict(on_paths)),
            gap(o1),
            gap(o2),
            "",
            "",
        ]
    )
    convs = len(table.read_text(encoding="utf-8").splitlines()) - 1
    notes = [
        f"- paths: {n:,} simulated journeys (seed {SEED}), {convs:,} distinct paths in "
        f"`benchmarks/.cache/attribution/paths.csv`; simulated and written in {sim_s:.2f} s",
        f"- journeymap exact attribution on the map (build, solve, one re-solve per channel): "
        f"{1000 * exact_s:.0f} ms; `import paths` + `analyze --by channel`, two processes: "
        f"{paths_s:.2f} s",
    ]
    same = [abs(on_paths[c] - v) for c, v in o1.items() if v is not None and c in on_paths]
    if same:
        notes.append(
            f"- same paths, same first-order channel model: *CA order 1* is within "
            f"{100 * max(same):.1f} pp of *journeymap, paths* (its simulation noise)"
        )
    if ca:
        o1s = ca["order1"]["seconds"]  # type: ignore[index]
        o2s = ca["order2"]["seconds"]  # type: ignore[index]
        notes.append(
            f"- ChannelAttribution {ca['version']} `markov_model`: order 1 {o1s:.2f} s, "
            f"order 2 {o2s:.2f} s"
        )
    else:
        notes.append("- ChannelAttribution could not be installed: its columns are n/a")
    columns = [
        "channel",
        "journeymap, map",
        "journeymap, paths",
        "CA order 1",
        "CA order 2",
        "first touch (jm / CA)",
        "last touch (jm / CA)",
    ]
    return Section(columns, rows, notes)
