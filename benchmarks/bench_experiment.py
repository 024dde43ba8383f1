"""Experiment readout from an event log: journeymap experiment --events vs pandas + statsmodels.

Every measurement runs in its own process on the same Parquet file (``gen_events.generate_log``
with a variant column); wall time includes reading the file. The pandas + statsmodels script is
what a user would write for the same headline: per-arm customers and conversions, the pooled
two-proportion z-test and the Newcombe interval of the difference. ``journeymap ingest`` of the
same log is the yardstick: reading out two arms should cost about one ingest. pandas, pyarrow and
statsmodels run in benchmarks/.cache/venv-events (benchmarks/requirements.txt), as for
bench_events.py. ``BENCH_MAX_EVENTS=N`` runs a log of at most N events (the table says which).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bench_events import _fmt_s, _venv_python, peer_versions, run_measured
from gen_events import experiment_map_path, generate_log, map_path
from run import Section

TITLE = "Experiment readout from an event log (journeymap experiment vs pandas + statsmodels)"
NOTES = """
A synthetic two-arm log (`benchmarks/gen_events.py`, `generate_log(n, variant=True)`): the
ingest benchmark's shape (20 event names, ten events per customer, 30 days, Parquet) plus a
`variant` column on every row (`control` or `treatment` by a hash of the customer; the treatment
turns half of its `logout` events into `purchase`, a planted lift). *journeymap experiment* is
the whole command (`experiment MAP --events LOG --variant-column variant --lost-after 1h
--format json -o OUT`: the ingest pipeline with the arm as segment, Wilson, Newcombe, Katz, z,
Holm, chance to beat, mixture SPRT, SRM, drop-off per touchpoint per arm with BH, the plan).
*pandas + statsmodels* reads the file, sorts by customer and time, takes each customer's first
variant (customers with two are left out), counts customers and purchasers per arm and runs
`proportions_ztest` and `confint_proportions_2indep(method="newcomb")`: the headline only, no
per-touchpoint drop-off. *journeymap ingest* is the same log onto
the same map without arms. Times are wall-clock, the minimum of three runs, and CPU seconds
(user + system, of the process and its threads) of that run, on a 2-core virtual machine whose
speed varies by tens of percent from minute to minute: compare within a row, and read the CPU
columns beside the wall ones.

*ingest --segment-by variant* is the same ingest with the variant as its segment: the pipeline
that `experiment` runs, without the assignment.

Where the time goes (`benchmarks/profile_events.py`, 10 million events, 2026-12-02, in
process). On DuckDB the assignment is made inside the ordered pass
(`journeymap/events/arms_pass.py`): the one sort of the rows by customer and time that ingest
does anyway carries each row's variant code, numpy assigns the arms over it (0.25 s a bucket
of 5 million rows) and gives each row its armed segment before dedup, and the row counts come
from the same arrays, so the command reads the file as often as `ingest` does. Before
(session 8) it built a table of the parsed rows (`jm_p`, 1.4 s), two aggregates for the
assignment (`jm_seen`, `jm_first`: 0.9 s) and joined every row to the assignment for the row
counts; the log passed in buckets also scanned every row once more for the log's end (0.6 s
in experiment, 0.9 s in ingest), which the buckets now take from their own rows. What is left
over ingest is the variant's code in the sorted fetch, the assignment, the readout (0.2 s,
with the chance to beat by a recurrence over 130,000 terms) and the statistics' imports.
"""

PANDAS = """
import json, sys
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
df = pd.read_parquet(sys.argv[1], columns=["user_id", "timestamp", "event", "variant"])
df = df.sort_values(["user_id", "timestamp"], kind="stable")
first = df.groupby("user_id", sort=False).agg(
    arm=("variant", "first"), arms=("variant", "nunique"), first_event=("event", "first"))
bought = df.loc[df["event"].eq("purchase"), "user_id"].unique()
first["converted"] = first.index.isin(bought)
mixed = int((first["arms"] > 1).sum())
first = first[first["arms"] == 1]
per = first.groupby("arm")["converted"].agg(["size", "sum"])
starts_at_goal = first[first["first_event"].eq("purchase")].groupby("arm").size()
(n1, x1), (n2, x2) = per.loc["control"], per.loc["treatment"]
z, p = proportions_ztest([x2, x1], [n2, n1])
lo, hi = confint_proportions_2indep(x2, n2, x1, n1, method="newcomb", compare="diff")
json.dump({"control": [int(n1), int(x1)], "treatment": [int(n2), int(x2)], "mixed": mixed,
           "starts_at_goal": {k: int(v) for k, v in starts_at_goal.items()},
           "p": float(p), "interval": [float(lo), float(hi)]}, open(sys.argv[2], "w"))
"""


def _jm(*args: str) -> list[str]:
    return [sys.executable, "-m", "journeymap", *args]


def _best(cmd: list[str], reps: int, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """The fastest of ``reps`` runs: its wall and CPU seconds."""
    return min(run_measured(cmd, ok)[:2] for _ in range(reps))


def _agree(jm_out: str, pd_out: str) -> str:
    """The cross-check: the same customers, conversions, p-value and interval from both."""
    jm = json.loads(Path(jm_out).read_text(encoding="utf-8"))
    pd = json.loads(Path(pd_out).read_text(encoding="utf-8"))
    arms = {a["name"]: [a["customers"], a["conversions"]] for a in jm["arms"]}
    cmp = jm["comparisons"][0]
    theirs = {k: pd[k] for k in ("control", "treatment")}
    same = arms == theirs
    gap = max(abs(a - b) for a, b in zip(cmp["difference_interval"], pd["interval"], strict=True))
    return (
        f"journeymap: control {arms['control'][1]:,} of {arms['control'][0]:,}, treatment "
        f"{arms['treatment'][1]:,} of {arms['treatment'][0]:,}; pandas: control "
        f"{theirs['control'][1]:,} of {theirs['control'][0]:,}, treatment "
        f"{theirs['treatment'][1]:,} of {theirs['treatment'][0]:,}"
        f" ({'the same' if same else 'different'}; customers whose first event is the goal: "
        f"{pd['starts_at_goal']}, in no arm of journeymap's); "
        f"Newcombe interval {cmp['difference_interval'][0]:.5f} to "
        f"{cmp['difference_interval'][1]:.5f}, largest gap to statsmodels {gap:.1e}; "
        f"p {cmp['p_value']:.3g} (statsmodels {pd['p']:.3g}); sample ratio p "
        f"{jm['srm']['p_value']:.3g}; decision {jm['decision']}"
    )


def run(quick: bool) -> Section:
    n = 200_000 if quick else 10_000_000
    cap = int(os.environ.get("BENCH_MAX_EVENTS", "0") or 0)
    if cap and n > cap:  # a busy or small machine: a smaller log, said in the notes
        n = cap
    reps = 3
    log = str(generate_log(n, variant=True))
    other = _venv_python()
    if other is None:
        raise RuntimeError("pandas + statsmodels: benchmarks/requirements.txt did not install")
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        jm_out, pd_out = os.path.join(tmp, "jm.json"), os.path.join(tmp, "pd.json")
        exp = _jm(
            "experiment",
            str(experiment_map_path()),
            "--events",
            log,
            "--variant-column",
            "variant",
            "--lost-after",
            "1h",
            "--format",
            "json",
            "-o",
            jm_out,
        )
        ingest = _jm("ingest", log, "--map", str(map_path()), "-o", os.path.join(tmp, "o.yaml"))
        seg = os.path.join(tmp, "seg", "o.yaml")
        os.makedirs(os.path.dirname(seg))
        by_arm = _jm("ingest", log, "--map", str(map_path()), "--segment-by", "variant", "-o", seg)
        print(f"  {n:,} events", file=sys.stderr, flush=True)
        t_exp, c_exp = _best(exp, reps, ok=(0, 1))  # 1: the readout found harm or is invalid
        t_ing, c_ing = _best([*ingest, "-q"], reps)
        t_seg, _ = _best([*by_arm, "-q"], reps)
        t_pd, c_pd = _best([str(other), "-c", PANDAS, log, pd_out], reps)
        check = _agree(jm_out, pd_out)
    rows.append(
        [
            f"{n:,}",
            _fmt_s(t_exp),
            _fmt_s(t_ing),
            _fmt_s(t_seg),
            _fmt_s(t_pd),
            f"{t_exp / t_ing:.2f}",
            f"{t_exp / t_seg:.2f}",
            f"{t_pd / t_exp:.2f}x",
            _fmt_s(c_exp),
            _fmt_s(c_ing),
            _fmt_s(c_pd),
            f"{c_exp / c_ing:.2f}",
        ]
    )
    met_ing = "met" if t_exp <= 1.2 * t_ing else "missed"
    met_pd = "met" if t_pd > t_exp else "missed"
    notes = [
        f"- peers (benchmarks/.cache/venv-events): {peer_versions(other)}",
        f"- cross-check: {check}",
        f"- goal experiment / ingest at most 1.2: {met_ing} ({t_exp / t_ing:.2f}); "
        f"goal faster than pandas + statsmodels: {met_pd} ({t_pd / t_exp:.2f}x); in CPU "
        f"seconds, experiment / ingest {c_exp / c_ing:.2f}, pandas / experiment "
        f"{c_pd / c_exp:.2f}x",
    ]
    return Section(
        [
            "events",
            "journeymap experiment",
            "journeymap ingest",
            "ingest --segment-by variant",
            "pandas + statsmodels",
            "experiment / ingest",
            "experiment / ingest --segment-by",
            "pandas / experiment",
            "experiment CPU",
            "ingest CPU",
            "pandas CPU",
            "CPU experiment / ingest",
        ],
        rows,
        notes,
    )


if __name__ == "__main__":
    sec = run("--quick" in sys.argv)
    for row in sec.rows:
        print(" | ".join(row))
    print("\n".join(sec.notes))
