"""Over time from an event log: journeymap cohorts and trend --events vs pandas scripts.

Every measurement runs in its own process on the same Parquet file (``gen_events.generate_log``
over a year with repeat customers); wall time includes reading the file. The pandas scripts are
what a user would write for the same tables; ``journeymap ingest`` of the same log is the
yardstick (the over-time commands should cost about one ingest). pandas runs in
benchmarks/.cache/venv-events (benchmarks/requirements.txt), as for bench_events.py.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bench_events import _fmt_s, _venv_python, peer_versions, run_measured
from gen_events import generate_log, map_path
from run import Section

TITLE = "Over time from an event log (journeymap cohorts and trend vs pandas)"
NOTES = """
A synthetic log over a year (`benchmarks/gen_events.py`, `generate_log(n, days=365,
visits=5)`): the ingest benchmark's 20 event names, customers with five visits of ten events,
each visit anywhere in 2026, Parquet. *journeymap cohorts* is `cohorts LOG --goal-event purchase
--by month --format json -o OUT` (monthly retention triangle of the first-purchase cohorts,
whole periods only, repeat rate, time to the second purchase); *pandas, cohorts* reads the file,
keeps purchases, takes each customer's first purchase month, counts distinct customers per
cohort and month offset, leaves out the month the log ends inside, and computes the repeat rate
and the median and p90 time to the second purchase. *journeymap trend* is `trend MAP LOG --events
--every month --journey session --format json -o OUT` (twelve monthly periods; a session-grain
journey, so every month has journeys; per period conversion and drop-off per touchpoint with
intervals, p-chart limits, run, change and trend signals); *pandas, trend* reads, sorts,
removes exact duplicates, cuts sessions at a 30-minute gap, puts each session in the month of its
first event and counts journeys, conversions, reach and exits per touchpoint per month with
3-sigma p-chart limits (no Laney, BH or Cochran-Armitage). It counts journeymap's figures
(`journeymap/analysis/trend.py`): conversions are arrivals at the goal from another touchpoint
(a run of `purchase` events is one), journeys are the sessions that do not start at the goal
plus the departures from the goal to another touchpoint (a journey that goes on after a purchase
enters the chain again). *journeymap ingest* is the same log
onto the same map, one period. Times are wall-clock, the minimum of the repeats, and CPU
seconds (user + system, of the process and its threads) of that run: the 2-core machine is
shared with other developers running test suites, so wall times vary by a factor of several
between runs and the CPU seconds are the figures to compare.

Where the time goes (`benchmarks/profile_events.py`, 5 million events, 2026-12-02 night, a
shared 2-core machine: CPU seconds, wall times are noise). `cohorts` reads the parsed rows
twice: one scan for every row count, the usable-row aggregate with its distinct customers and
the 64-bit hashes of the usable rows (0.65-1.0 s CPU: the parse of every row about 0.3, the
distinct customers about 0.3), and the goal events (0.2 s, the name filter in the Parquet
scan); then the hashes to numpy and their sort (0.14-0.27 s with numpy's import), the cohort
statements over 173,000 goal events (0.2 s) and the imports (*cohorts imports* below: the
map model's pydantic classes, duckdb and numpy). Before session 8 it read them four times
(the row counts, the usable-row aggregate and the hashes apart, and the event dictionary
`jm_evs` it never read): 5,815 -> 4,309 million instructions on a 1M-row slice (callgrind).
Session 7: `cohorts`
no longer deduplicates every row (`journeymap/events/goal_events.py`): the rows left out as
duplicates and unmapped come from one aggregate of the usable rows and the groups of rows
whose 64-bit hash another row shares (found by sorting the hashes with numpy; none in a log
without duplicates), the goal events from the rows a goal rule's name accepts (a filter pushed
into the Parquet scan), and `jm_parsed` is a view again: 4.1-4.8 s CPU and 1.1 GB before, 2.1-2.4
s and 0.34 GB after, the same bytes. Of what is left, each read of the parsed rows (the
pipeline's `stats_rows` and `epoch_units`, the usable-row aggregate with its distinct
customers, the hashes, the goal events) costs 0.15-0.45 s, the cohort statements 0.2 s, and
the imports 0.5 s (the analysis package now loads its names on first use, so cohorts no
longer imports the chain and networkx: 0.8 s before). `trend --events` runs `jm_events` once;
on top of one session ingest it adds the dating of the journeys (one grouping per journey and
a join of the periods back to the events, 1.8 s CPU of 17) and the per-period result groups;
a window over the journey's partition instead costs the same or more (the window carries
every column), so the rest is ingest's own pipeline (`jm_events` 7.9 s, `jm_visits` 3.8 s).

*The floor* (the lines under the table): the least any DuckDB program does for the same answer,
in one statement, timed as the commands are. For cohorts, the triangle's counts alone (the
distinct purchases, each customer's first month, the distinct customers per cohort and offset:
no row accounting, no whole-period rule, no repeat rate, no time to second, no output); for
trend, the session cut alone (one `lag` window over each customer's events in time order: no
dedup, no periods, no counts). DuckDB is the fastest reader at hand (pyarrow alone reads the
file's three columns in 0.46 s wall, 0.68 s CPU), so when the floor takes more than a fifth of
pandas's time the 5x goal is out of reach of any program on these libraries, not only of ours.
"""

READ = """
import json, sys
import pandas as pd
df = pd.read_parquet(sys.argv[1], columns=["user_id", "timestamp", "event"])
"""

COHORTS = (
    READ
    + """
g = df.loc[df["event"].eq("purchase"), ["user_id", "timestamp"]].drop_duplicates()
g = g.sort_values(["user_id", "timestamp"], kind="stable")
m = g["timestamp"].dt.year * 12 + g["timestamp"].dt.month - 1
g = g.assign(m=m, cohort=m.groupby(g["user_id"]).transform("min"))
end = df["timestamp"].max()
whole = g[g["m"] < end.year * 12 + end.month - 1]
active = whole.groupby(["cohort", "m"])["user_id"].nunique()
tri = {f"{c // 12}-{c % 12 + 1:02d}": [int(v) for v in s.values] for c, s in active.groupby(level=0)}
per = g.groupby("user_id").size()
second = g.groupby("user_id")["timestamp"].nth(1).set_axis(
    g.loc[g.groupby("user_id").cumcount() == 1, "user_id"])
first = g.groupby("user_id")["timestamp"].first()
days = (second - first.loc[second.index]).dt.total_seconds() / 86400
json.dump({"cohorts": tri, "repeat_rate": float((per > 1).mean()),
           "median_days": float(days.median()), "p90_days": float(days.quantile(0.9))},
          open(sys.argv[2], "w"))
"""
)

TREND = (
    READ
    + """
df = df.sort_values(["user_id", "timestamp"], kind="stable")
df = df.drop_duplicates(["user_id", "timestamp", "event"])
new = df["user_id"].ne(df["user_id"].shift()) | df["timestamp"].diff().gt(pd.Timedelta("30min"))
df["journey"] = new.cumsum()
start = df.groupby("journey")["timestamp"].first()
period = start.dt.to_period("M").rename("period")
same = df["journey"].eq(df["journey"].shift())
arrive = df["event"].eq("purchase") & same & df["event"].shift().ne("purchase")
leave = df["event"].shift().eq("purchase") & df["event"].ne("purchase") & same
first = df.groupby("journey")["event"].first()
sessions = pd.DataFrame({"period": period, "n": first.ne("purchase").astype(int)})
goal = pd.DataFrame({"journey": df["journey"], "conv": arrive, "after": leave})
per = sessions.join(goal.groupby("journey").sum()).groupby("period")[["n", "conv", "after"]].sum()
per = pd.DataFrame({"size": per["n"] + per["after"], "sum": per["conv"]})
reach = df[["journey", "event"]].drop_duplicates().join(period, on="journey")
reach = reach.groupby(["period", "event"]).size()
last = df.groupby("journey")["event"].last()
exits = pd.DataFrame({"event": last}).join(period).groupby(["period", "event"]).size()
drop = (exits / reach).fillna(0.0)
centre = per["sum"].sum() / per["size"].sum()
half = 3 * (centre * (1 - centre) / per["size"]) ** 0.5
pbar = exits.groupby(level=1).sum() / reach.groupby(level=1).sum()
json.dump({"periods": {str(p): [int(r["size"]), int(r["sum"])] for p, r in per.iterrows()},
           "limits": [[float(centre - h), float(centre + h)] for h in half],
           "touchpoints": len(pbar), "cells": len(drop)}, open(sys.argv[2], "w"))
"""
)


COHORTS_FLOOR = """
import sys, duckdb
duckdb.execute('''
WITH g AS (SELECT DISTINCT user_id, timestamp FROM read_parquet($f) WHERE event = 'purchase'),
m AS (SELECT user_id, year(timestamp) * 12 + month(timestamp) - 1 AS m FROM g),
c AS (SELECT user_id, min(m) AS cohort FROM m GROUP BY user_id)
SELECT cohort, m.m - cohort AS k, count(DISTINCT user_id) FROM m JOIN c USING (user_id)
GROUP BY ALL ORDER BY ALL''', {"f": sys.argv[1]}).fetchall()
"""
"""The least a DuckDB program does for cohorts: the triangle's counts alone, in one statement
(no row accounting, no whole-period rule, no repeat rate or time to second, no output)."""

TREND_FLOOR = """
import sys, duckdb
duckdb.execute('''
SELECT count(*) FILTER (WHERE d IS NULL OR d > INTERVAL 30 MINUTE) FROM (
  SELECT timestamp - lag(timestamp) OVER (PARTITION BY user_id ORDER BY timestamp) AS d
  FROM read_parquet($f))''', {"f": sys.argv[1]}).fetchall()
"""
"""The least a DuckDB program does for a session trend: the session cut alone, one window over
the customers' events in time order (no dedup, no periods, no counts per touchpoint)."""

COHORT_IMPORTS = "import journeymap.cli.cohorts, journeymap.events.cohorts, duckdb, numpy"
"""What a cohorts run imports before it reads a row (the fixed part of its time)."""


def _jm(*args: str) -> list[str]:
    return [sys.executable, "-m", "journeymap", *args]


def _best(cmd: list[str], reps: int) -> tuple[float, float]:
    """The fastest of ``reps`` runs: its wall and CPU seconds."""
    return min(run_measured(cmd)[:2] for _ in range(reps))


def _load(path: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def _agree(jm_coh: str, pd_coh: str, jm_tr: str, pd_tr: str) -> list[str]:
    """The cross-checks: the same retention triangle, and the same journeys per period."""
    jc, pc, jt, pt = _load(jm_coh), _load(pd_coh), _load(jm_tr), _load(pd_tr)
    mine = {c["cohort"]: c["active"] for c in jc["cohorts"]}  # type: ignore[attr-defined]
    cohorts_same = mine == pc["cohorts"]
    periods = {p["period"]: [p["journeys"], p["conversions"]] for p in jt["periods"]}  # type: ignore[attr-defined]
    theirs: dict[str, list[int]] = pt["periods"]  # type: ignore[assignment]
    off = {k: (periods.get(k), v) for k, v in theirs.items() if periods.get(k) != v}
    return [
        f"- cross-check, cohorts: {len(mine)} cohorts, the active customers per cohort and offset "
        f"{'are the same in both' if cohorts_same else 'DIFFER from pandas'}; repeat rate "
        f"{jc['repeat_rate']:.4f} (pandas {pc['repeat_rate']:.4f}); time to second purchase "
        f"median {jc['time_to_second']['median_days']:.2f} days (pandas "  # type: ignore[index]
        f"{pc['median_days']:.2f}), p90 {jc['time_to_second']['p90_days']:.2f} "  # type: ignore[index]
        f"(pandas {pc['p90_days']:.2f})",
        f"- cross-check, trend: {len(periods)} periods; journeys and conversions per period "
        + ("the same in both" if not off else f"differ in {len(off)} periods (jm, pandas): {off}"),
    ]


def run(quick: bool) -> Section:
    n = 200_000 if quick else 5_000_000
    reps = 3 if quick else 2
    log = str(generate_log(n, days=365, visits=5))
    other = _venv_python()
    if other is None:
        raise RuntimeError("pandas: benchmarks/requirements.txt did not install")
    jm_map = str(map_path())
    print(f"  {n:,} events", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = {k: os.path.join(tmp, f"{k}.json") for k in ("jc", "pc", "jt", "pt")}
        coh = ["cohorts", log, "--goal-event", "purchase", "--by", "month", "--format", "json"]
        trend = [*("trend", jm_map, log, "--events", "--every", "month"), "--journey", "session"]
        t_ing, c_ing = _best(
            _jm("ingest", log, "--map", jm_map, "-o", out["jc"] + ".yaml", "-q"), reps
        )
        t_coh, c_coh = _best(_jm(*coh, "-o", out["jc"], "-q"), reps)
        t_tr, c_tr = _best(_jm(*trend, "--format", "json", "-o", out["jt"], "-q"), reps)
        t_pc, c_pc = _best([str(other), "-c", COHORTS, log, out["pc"]], reps)
        t_pt, c_pt = _best([str(other), "-c", TREND, log, out["pt"]], reps)
        t_imp, c_imp = _best([sys.executable, "-c", COHORT_IMPORTS], reps)
        floors = {
            "cohorts": _best([sys.executable, "-c", COHORTS_FLOOR, log], reps),
            "trend": _best([sys.executable, "-c", TREND_FLOOR, log], reps),
        }
        checks = _agree(out["jc"], out["pc"], out["jt"], out["pt"])
    measured = (
        ("cohorts, by month", t_coh, t_pc, c_coh, c_pc),
        ("trend, 12 months", t_tr, t_pt, c_tr, c_pt),
    )
    rows = [
        [
            label,
            f"{n:,}",
            _fmt_s(t),
            _fmt_s(t_pd),
            f"{t_pd / t:.1f}x",
            f"{t / t_ing:.2f}",
            _fmt_s(c),
            _fmt_s(c_pd),
            f"{c_pd / c:.2f}x",
            f"{c / c_ing:.2f}",
        ]
        for label, t, t_pd, c, c_pd in measured
    ]
    rows.append(
        [
            "ingest (yardstick)",
            f"{n:,}",
            _fmt_s(t_ing),
            "",
            "",
            "1.00",
            _fmt_s(c_ing),
            "",
            "",
            "1.00",
        ]
    )
    goals = []
    for label, t, t_pd, c, c_pd in measured:
        fast = "met" if t_pd >= 5 * t else "missed"
        near = "met" if t <= 1.5 * t_ing else "missed"
        name = label.split(",")[0]
        f_t, f_c = floors[name]
        goals.append(
            f"- {name}: goal 5x faster than pandas {fast} ({t_pd / t:.1f}x wall, "
            f"{c_pd / c:.2f}x CPU); goal within 1.5x of one ingest {near} ({t / t_ing:.2f} wall, "
            f"{c / c_ing:.2f} CPU)"
        )
        goals.append(
            f"- {name}, the floor (the least a DuckDB program does: `{name.upper()}_FLOOR` in "
            f"`benchmarks/bench_over_time.py`): {_fmt_s(f_t)} wall, {_fmt_s(f_c)} CPU; a fifth "
            f"of pandas is {_fmt_s(t_pd / 5)} wall, {_fmt_s(c_pd / 5)} CPU, so the floor alone "
            f"takes {f_t / (t_pd / 5):.0%} (wall) and {f_c / (c_pd / 5):.0%} (CPU) of the 5x budget"
        )
    return Section(
        [
            "command",
            "events",
            "journeymap",
            "pandas",
            "pandas / journeymap",
            "journeymap / ingest",
            "journeymap CPU",
            "pandas CPU",
            "CPU pandas / journeymap",
            "CPU journeymap / ingest",
        ],
        rows,
        [
            f"- peers (benchmarks/.cache/venv-events): {peer_versions(other)}",
            *checks,
            *goals,
            f"- cohorts imports (the modules of a cohorts run, no work): {_fmt_s(t_imp)} wall, "
            f"{_fmt_s(c_imp)} CPU, {t_imp / t_coh:.0%} of the cohorts wall time",
        ],
    )


if __name__ == "__main__":
    sec = run("--quick" in sys.argv)
    for row in sec.rows:
        print(" | ".join(row))
    print("\n".join(sec.notes))
