"""Ingest speed and memory: journeymap (DuckDB) vs pandas, pm4py and a bare DuckDB LEAD() query.

Every measurement runs in its own process on the same Parquet file (benchmarks/gen_events.py);
wall time includes reading the file, peak memory is the process's maximum resident set.
pandas and pm4py run in a separate virtual environment (benchmarks/.cache/venv-events, from
benchmarks/requirements.txt): pm4py is AGPL-3.0 and never a journeymap dependency.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gen_events import generate, map_path
from run import Section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = HERE / ".cache" / "venv-events"

TITLE = "Event-log ingest (journeymap ingest vs pandas, pm4py, bare DuckDB)"
NOTES = """
Synthetic logs (`benchmarks/gen_events.py`): 20 event names, string customer ids, ten events
per customer, rows in global time order, Parquet. *journeymap ingest* is the whole command
(`journeymap ingest LOG.parquet --map MAP -o OUT.json`: read, clean, dedup, sessions, mapping,
collapse, journeys, counts, JSON). *bare DuckDB* is one directly-follows query,
`LEAD(event) OVER (PARTITION BY user_id ORDER BY timestamp)` grouped by pair. *pandas* reads
the file, sorts, drops duplicates, collapses repeats and counts pairs; *pm4py* reads the file and
runs `format_dataframe` + `discover_dfg`. Times are wall-clock (median of 3 runs up to 5 million
events, one run beyond), peak memory is the process's maximum RSS. pandas and pm4py are not run
on 50 million events (they need far more than the 4 GiB target).

Where the time goes (a per-statement CPU profile, `benchmarks/profile_events.py` timing CPU
instead of wall, 2026-12-01, the 5M log, a machine at load average 9 to 13 on 2 cores, so only
the CPU seconds compare): since the customers and events run on integer keys (docs/
architecture.md, "Ingest on integer ids") the command takes 11.9 CPU s against 14.4 before
(1M: 2.6 against 3.2), peak memory 1.09 GiB against 1.43. `jm_events` 6.7 s (was 7.4: the
dedup hash aggregate over 5M distinct (customer, timestamp, event) keys and the two nested
window levels, each sorting and materialising the events), `jm_visits` 2.2 s (2.9), the
touchpoint counts 0.9 s (1.1), the row counts 0.9 s (0.5: `jm_parsed` now joins the two
dictionaries), the customer dictionary 0.2 s; the epoch-unit and bad-row checks (0.9 s) are
no longer run on a clean log with a typed timestamp. The three sorts and the dedup aggregate
are the floor of this plan.
"""

BARE = """
import duckdb, sys
duckdb.sql(f\"\"\"SELECT event, nxt, count(*) FROM (SELECT event, LEAD(event) OVER (PARTITION BY user_id
   ORDER BY timestamp) AS nxt FROM read_parquet('{sys.argv[1]}')) GROUP BY ALL\"\"\").fetchall()
"""

PANDAS = """
import sys, pandas as pd
df = pd.read_parquet(sys.argv[1], columns=["user_id", "timestamp", "event"])
df = df.sort_values(["user_id", "timestamp"], kind="stable").drop_duplicates(["user_id", "timestamp", "event"])
same_user = df["user_id"].eq(df["user_id"].shift())
df = df[~(same_user & df["event"].eq(df["event"].shift()))]
nxt = df.groupby("user_id", sort=False)["event"].shift(-1)
pairs = pd.DataFrame({"a": df["event"], "b": nxt}).dropna().value_counts()
"""

PM4PY = """
import sys, pandas as pd, pm4py
df = pd.read_parquet(sys.argv[1], columns=["user_id", "timestamp", "event"])
df = pm4py.format_dataframe(df, case_id="user_id", activity_key="event", timestamp_key="timestamp")
dfg, start, end = pm4py.discover_dfg(df)
"""


FIFTY_MEASURED = (
    "50 million events, measured once by hand on 2026-12-02 on a quiet machine (load average 1 "
    "to 2 on its 2 cores), with the numpy ordered pass in ten buckets of customers: ingest 62.0 s "
    "wall (78.2 s user + 24.3 s system CPU), peak memory 2.70 GiB (target within 4 GiB: met; "
    "3.35 GiB in session 7, 4.93 GiB before); about 31x the CPU of 5 million events (3.3 s) for "
    "10x the rows, so not linear: each bucket scans and parses the whole file again and the "
    "transitions' medians are SQL over the appended visits (the previous hand measurement, "
    "2026-12-01 at load 15 to 30: 2,587 s wall, 163 + 47 s CPU)."
)
"""The 50M figures when a run skips that size (``BENCH_MAX_EVENTS``): a measured run, dated."""


SPARK_PLAN = """
**Spark, on paper and by measurement** (measured by hand on 2026-12-01 with
`benchmarks/profile_spark.py`: the engine of `ingest --engine spark` in local mode, `local[2]`,
the CLI's session, each stage's figures from the Spark UI's REST API; the machine was shared,
load average 9 to 20 on its 2 cores, so CPU seconds are the figure and wall times are upper
bounds). The plan (`SparkEngine.plans`, tested): the parsed rows are hash-partitioned by the
customer alone, the one row shuffle; the dedup aggregate, both window levels of `jm_events`,
the windows of `jm_visits` and each `COUNT(DISTINCT customer)` find their rows already
clustered; every other exchange carries partial aggregates per (segment, touchpoint[, next]);
the log's end is one broadcast row per segment (a hint: without it Spark planned a sort-merge
join that shuffled every visit by segment once the log passed 10 MB). Adaptive execution is
off: with it, each cached relation's plan hid its partitioning and was shuffled again.
Measured at 5 million events (Parquet, 500,000 customers) with two shuffle partitions, one a
core, as before: session start 21 s wall (12 s
JVM CPU), then 375 s wall, 122 s JVM CPU (before this plan, in the same hour: 461 s, 146 s);
rows shuffled once, 113 MB (24 bytes an event, lz4), where the plan before shuffled them three
times (103 + 134 + 190 MB). Executor CPU by stage: scan, parse and shuffle write 3.1 s; shuffle
read and cache of the parsed rows 9.6 s; dedup and the `jm_events` windows 31.2 s (1,216 MB
spilled in memory, 234 MB to disk); the `jm_visits` windows 21.2 s (1,188 / 72 MB); the
transitions' exact median 7.6 s (432 / 18 MB); every other query under 0.5 s; the rest of the
JVM's CPU (about 48 s) is code generation, JIT and GC. Cached: parsed rows 101 MB (evicted to
disk), `jm_events` 94 MB, `jm_visits` 65 MB. At 1 million events: 49.8 s JVM CPU after a 33 s
start (53.5 s before; one shuffle of 23 MB instead of two of 22 + 27 MB), so the fixed costs
dominate below a few million events. Eight partitions (four a core, the local session's
now) at 5 million: no spill at all, 125 s JVM CPU (load 15 to 20): the same CPU without the
2.8 GB spilled from memory and 323 MB to disk of two partitions in the default 1 GB driver.
For 500 million events (50 million customers) on N executors of 4 cores: stage 1, scan and
parse, narrow, about 310 core-seconds at the rate above, in input splits of 128 MB (about 3.4
GB of Parquet: 27 tasks, so lower `spark.sql.files.maxPartitionBytes` to keep 4N cores busy);
the one shuffle, 12 GB of (customer, timestamp, event, key) rows at 24 bytes an event, up to
30 GB with UUID customer ids, text timestamps and `where:` columns; stage 2, per partition,
the dedup hash aggregate and one sort by (customer, timestamp, key) under the window levels,
then the visits' windows, about 6,200 core-seconds and the bulk of the time (about 2.5 minutes
on 10 executors, plus reading the shuffle over the network); stage 3, the partial aggregates, whose shuffles are a few thousand rows
except the exact lower median (`percentile_disc`), whose buffers hold every transition's
seconds (8 bytes a visit). Partitions: `spark.sql.shuffle.partitions` about the shuffled bytes
over 128 MB (100 to 240), a multiple of 4N; nothing coalesces them (adaptive execution is off),
so the small aggregates run that many near-empty tasks (about a second). Memory: a partition's
sort takes about ten times its shuffled bytes (1,216 MB spilled for 113 MB shuffled at 5M), so give
each core about 1 GB of execution memory (`spark.executor.memory` 6 to 8 GB for 4 cores) and a
`spark.local.dir` on local disk for the spill; the cached relations (about 52 bytes an event,
26 GB across the cluster) are `MEMORY_AND_DISK` and spill there too. Skew: a customer's events
all go to one task, so one customer with millions of events (a bot, a default id such as `0` or
`anonymous`, a test account) makes that task sort them alone (about 12 core-seconds a million
events at the rate above) and the windows buffer the whole customer for their full-partition
frames, spilling past `spark.sql.windowExec.buffer.spill.threshold`: correct, one straggler.
Salting cannot split it (sessions and the collapse of repeats need the customer's events in
order in one place); find such ids with one `COUNT(*) GROUP BY customer` and filter them out of
the log first. Rows without a customer also hash to one partition before they are counted as
left out, so a log where many rows lack one should be filtered the same way.
"""


def _measure(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of one process; exit codes other than ``ok`` fail."""
    wall, _, rss = run_measured(cmd, ok)
    return wall, rss


def run_measured(cmd: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system, every thread) and peak RSS (GiB) of one
    process; exit codes other than ``ok`` fail."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in ok:
        raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}): {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 2**20


def _venv_python() -> Path | None:
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    ok = subprocess.run(
        [str(py), "-c", "import pm4py, pandas, pyarrow, statsmodels"], capture_output=True
    )
    if ok.returncode != 0:
        inst = subprocess.run(
            [str(py), "-m", "pip", "install", "-q", "-r", str(HERE / "requirements.txt")],
            capture_output=True,
            text=True,
        )
        if inst.returncode != 0:
            print(f"pandas/pm4py not available: {inst.stderr[-500:]}", file=sys.stderr)
            return None
    return py


def peer_versions(py: Path) -> str:
    """The versions of the peers in their own venv (they are not journeymap's)."""
    code = (
        "import pandas, pyarrow, statsmodels; print(f'pandas {pandas.__version__}, pyarrow "
        "{pyarrow.__version__}, statsmodels {statsmodels.__version__}')"
    )
    out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "unknown"


def _fmt_s(x: float | None) -> str:
    return "n/a" if x is None else (f"{x:.2f} s" if x < 10 else f"{x:.1f} s")


def run(quick: bool) -> Section:
    sizes = [100_000, 500_000] if quick else [1_000_000, 5_000_000, 50_000_000]
    cap = int(os.environ.get("BENCH_MAX_EVENTS", "0") or 0)
    skipped = [n for n in sizes if cap and n > cap]
    sizes = [n for n in sizes if n not in skipped]
    other = _venv_python()
    jm_map = str(map_path())
    rows: list[list[str]] = []
    notes: list[str] = (
        [
            f"Not run this time (BENCH_MAX_EVENTS={cap:,}): {', '.join(f'{n:,}' for n in skipped)} "
            "events; their figures are in the git history of this page."
        ]
        if skipped
        else []
    )
    for n in sizes:
        print(f"  {n:,} events", file=sys.stderr, flush=True)
        log = str(generate(n))
        reps = 3 if n <= 5_000_000 else 1
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "o.json")
            jm_cmd = [
                sys.executable,
                "-m",
                "journeymap",
                "ingest",
                log,
                "--map",
                jm_map,
                "-o",
                out,
                "-q",
            ]
            jm_runs = [_measure(jm_cmd) for _ in range(reps)]
        bare_runs = [_measure([sys.executable, "-c", BARE, log]) for _ in range(reps)]
        pd_run = pm_run = None
        if other is not None and n <= 5_000_000:
            pd_run = _measure([str(other), "-c", PANDAS, log])
            pm_run = _measure([str(other), "-c", PM4PY, log])
        jm_t = statistics.median(r[0] for r in jm_runs)
        jm_mem = max(r[1] for r in jm_runs)
        bare_t = statistics.median(r[0] for r in bare_runs)
        rows.append(
            [
                f"{n:,}",
                _fmt_s(jm_t),
                f"{jm_mem:.2f} GiB",
                _fmt_s(bare_t),
                _fmt_s(pd_run[0] if pd_run else None),
                _fmt_s(pm_run[0] if pm_run else None),
                f"{pm_run[0] / jm_t:.1f}x" if pm_run else "n/a",
                f"{pd_run[0] / jm_t:.1f}x" if pd_run else "n/a",
                f"{jm_t / bare_t:.2f}",
                f"{pd_run[1]:.2f} / {pm_run[1]:.2f} GiB" if pd_run and pm_run else "n/a",
            ]
        )
    targets = {r[0]: r for r in rows}
    five = targets.get("5,000,000")
    if five:
        notes.append(
            f"Targets at 5 million events: pm4py / ingest = {five[6]} and pandas / ingest = "
            f"{five[7]} (target at least 5x); ingest / bare DuckDB = {five[8]} (target at most 2)."
        )
    if 50_000_000 in skipped:
        notes.append(FIFTY_MEASURED)
    notes.append(SPARK_PLAN.strip().replace("\n", " "))
    fifty = targets.get("50,000,000")
    if fifty:
        notes.append(f"50 million events: peak memory of ingest {fifty[2]} (target within 4 GiB).")
    return Section(
        [
            "events",
            "journeymap ingest",
            "ingest peak memory",
            "bare DuckDB LEAD()",
            "pandas",
            "pm4py",
            "pm4py / ingest",
            "pandas / ingest",
            "ingest / bare DuckDB",
            "pandas / pm4py peak memory",
        ],
        rows,
        notes,
    )
