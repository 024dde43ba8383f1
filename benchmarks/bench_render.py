"""Rendering: a generated 300-touchpoint map to SVG, the canvas, and --watch re-renders.

Side by side with what a user would otherwise do: a plain DOT export of the networkx graph
through the graphviz package (no clusters, no layout hints, no leak marks) and a hand-written
matplotlib grid of wrapped texts for the poster.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from run import ROOT, Section
from timing import fmt_seconds, median_seconds

TITLE = "journeymap render"
NOTES = """Wall-clock medians on this machine. *journeymap* includes everything the command does
after start-up: the analysis (without bootstrap for the graph), the DOT text with clusters,
columns, leak marks and escaped labels, and graphviz's layout; *plain export* writes the same
networkx graph through `graphviz.Digraph` (a node and an edge per touchpoint and transition,
count labels, no clusters or hints) and lays it out with the same `dot`. The canvas is drawn
for `maps/first-purchase.yaml` (22 touchpoints, 3 personas); the hand-written baseline draws
the same lanes as a matplotlib grid with `textwrap` by character count (no measuring, no
shrinking: it overlaps when texts are long). `--watch` is the time from saving the map to the
new file being written, in a running `journeymap render --watch`; the cold column is a fresh
`journeymap render` process for the same output (what you would do without `--watch`).
For the generated maps, most of "DOT text alone" is the analysis (leak ranking and stage
reach, without bootstrap) that the graph view shows; the DOT text itself takes milliseconds.
A PDF is written by matplotlib's PDF writer with each kind of line of text shaped and encoded
once per file (`journeymap/render/pdf.py`, the same bytes); what is left of the canvas PDF is
mostly font subsetting (fontTools) and matplotlib's layout of each distinct line."""


def generated_map(n: int, seed: int = 0) -> str:
    """A map of `n` touchpoints in n/30 stages, forward transitions, a few loops, one goal."""
    rng = random.Random(seed)
    per = 30
    stages = -(-n // per)
    lines = [
        "journeymap: 1",
        "id: generated",
        f"title: Generated map with {n} touchpoints",
        "period: 2026-Q3",
        "currency: EUR",
        "value_per_conversion: 50",
        "stages:",
    ]
    ids = [f"t{i:03d}" for i in range(n)]
    for s in range(stages):
        lines += [f"  - id: s{s}", f"    name: Stage {s}", "    touchpoints:"]
        for i in range(s * per, min((s + 1) * per, n)):
            tid = ids[i]
            lines += [
                f"      - id: {tid}",
                f"        name: Touchpoint {i} ({rng.choice(['web', 'app', 'store'])})",
                f"        channel: {rng.choice(['web', 'app', 'email', 'store'])}",
                f"        emotion: {rng.randint(-2, 2)}",
            ]
            if i < per:
                lines.append(f"        entries: {rng.randint(500, 5000)}")
            if i == n - 1:
                lines.append("        goal: true")
                continue
            # mostly local steps (the next one to three touchpoints), a few long jumps and loops
            targets = {ids[min(i + 1, n - 1)]}
            if rng.random() < 0.6:
                targets.add(ids[min(i + rng.randint(2, 3), n - 1)])
            if rng.random() < 0.05:
                targets.add(ids[min(i + rng.randint(10, 40), n - 1)])
            if i > 40 and rng.random() < 0.05:
                targets.add(ids[i - rng.randint(2, 6)])
            nxt = ", ".join(f"{t}: {rng.randint(20, 300)}" for t in sorted(targets) if t != tid)
            lines.append(f"        next: {{{nxt}}}")
    return "\n".join(lines) + "\n"


def plain_export(G: object) -> bytes:
    import graphviz

    dot = graphviz.Digraph()
    for n, d in G.nodes(data=True):  # type: ignore[attr-defined]
        dot.node(n, f"{d['name']}\\n{d['visits']} visits")
    for u, v, d in G.edges(data=True):  # type: ignore[attr-defined]
        dot.edge(u, v, label=str(d["count"]))
    data: bytes = dot.pipe(format="svg")
    return data


def hand_canvas(journey_map: object) -> bytes:
    import io

    from matplotlib.figure import Figure

    tps = [tp for _, tp in journey_map.iter_touchpoints()]  # type: ignore[attr-defined]
    fig = Figure(figsize=(16.54, 11.69))
    lanes = ["actions", "name", "thoughts", "pain_points", "opportunities"]
    for li, lane in enumerate(lanes):
        for i, tp in enumerate(tps):
            value = getattr(tp, lane)
            text = "\n".join(value) if isinstance(value, list) else (value or "")
            fig.text(
                (i + 0.1) / len(tps),
                1 - (li + 0.1) / len(lanes),
                textwrap.fill(text, 14),
                fontsize=6,
                va="top",
            )
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


def _watch_latency(view: str, out: str, saves: int) -> float:
    tmp = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    (tmp / ".git").mkdir()
    src = (ROOT / "maps" / "first-purchase.yaml").read_text(encoding="utf-8")
    (tmp / "shared").mkdir()
    (tmp / "shared" / "personas.yaml").write_text(
        (ROOT / "maps" / "shared" / "personas.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    m = tmp / "map.yaml"
    m.write_text(src, encoding="utf-8")
    target = tmp / out
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "journeymap",
            "render",
            str(m),
            "--view",
            view,
            "-o",
            str(target),
            "--watch",
            "-q",
        ],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    times = []
    try:
        while not target.exists():
            time.sleep(0.02)
        time.sleep(0.5)
        for k in range(saves):
            before = target.stat().st_mtime_ns
            start = time.perf_counter()
            m.write_text(src.replace("First purchase", f"First purchase ({k})"), encoding="utf-8")
            while target.stat().st_mtime_ns == before:
                time.sleep(0.005)
            times.append(time.perf_counter() - start)
            time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    return statistics.median(times)


def _cold(view: str, out: str) -> float:
    tmp = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}

    def go() -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "journeymap",
                "render",
                str(ROOT / "maps" / "first-purchase.yaml"),
                "--view",
                view,
                "-o",
                str(tmp / out),
                "-q",
            ],
            env=env,
            check=True,
            capture_output=True,
        )

    return median_seconds(go, repeat=3)


def run(quick: bool) -> Section:
    from journeymap.graph import build_graph
    from journeymap.io import load_map
    from journeymap.render.build import render_loaded

    rows: list[list[str]] = []
    sizes = [100] if quick else [100, 300]
    repeat = 2 if quick else 3
    for n in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="bench-render-"))
        path = tmp / "generated.yaml"
        path.write_text(generated_map(n), encoding="utf-8")
        loaded = load_map(path)
        G = build_graph(loaded.map)
        ours = median_seconds(
            lambda loaded=loaded: render_loaded(loaded, "graph", "svg"), repeat=repeat
        )
        dot_only = median_seconds(
            lambda loaded=loaded: render_loaded(loaded, "graph", "dot"), repeat=repeat
        )
        plain = median_seconds(lambda G=G: plain_export(G), repeat=repeat)
        rows.append(
            [
                f"graph → SVG, generated map, {n} touchpoints, {G.number_of_edges()} transitions",
                fmt_seconds(ours),
                fmt_seconds(plain),
                f"DOT text alone: {fmt_seconds(dot_only)}",
            ]
        )
    fp = load_map(ROOT / "maps" / "first-purchase.yaml")
    canvas = median_seconds(lambda: render_loaded(fp, "canvas", "svg"), repeat=repeat)
    hand = median_seconds(lambda: hand_canvas(fp.map), repeat=repeat)
    rows.append(
        [
            "canvas → SVG, first-purchase (22 touchpoints)",
            fmt_seconds(canvas),
            fmt_seconds(hand),
            "baseline overlaps long texts",
        ]
    )
    pdf = median_seconds(lambda: render_loaded(fp, "canvas", "pdf"), repeat=2)
    rows.append(["canvas → PDF (A3, fonts embedded)", fmt_seconds(pdf), "", ""])
    report = median_seconds(lambda: render_loaded(fp, "report", "html"), repeat=2)
    rows.append(
        ["report → HTML (every picture, 1,000 bootstrap samples)", fmt_seconds(report), "", ""]
    )
    saves = 3 if quick else 5
    for view, out in (("graph", "g.svg"), ("canvas", "c.svg")):
        rows.append(
            [
                f"--watch: save → new {out.split('.')[1].upper()} ({view}, first-purchase)",
                fmt_seconds(_watch_latency(view, out, saves)),
                f"cold process: {fmt_seconds(_cold(view, out))}",
                "",
            ]
        )
    return Section(["what", "journeymap", "baseline", "note"], rows)
