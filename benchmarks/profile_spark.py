"""Where `ingest --engine spark` spends its time, stage by stage, in local mode.

    PYTHONPATH=. .venv/bin/python benchmarks/profile_spark.py benchmarks/.cache/events-5000000.parquet [PARTITIONS]

Runs the Spark engine's pipeline (``SparkEngine``: load, the cached relations, each result and
check query in the order ``run`` collects them) on the benchmark map with the session of
``local_session`` (``local[2]``, the CLI's) and the Spark UI on, and prints for each query its
wall seconds and the driver JVM's CPU seconds, then each stage from the UI's REST API
(``/api/v1/applications/<id>/stages``): tasks, executor CPU seconds, rows read, bytes shuffled
(written) and spilled (memory / disk), and the cached relations' sizes. ``PARTITIONS`` sets
``spark.sql.shuffle.partitions`` (the session's own by default). The
figures of the Spark note in ``bench_events.py`` come from this script; they are not a
benchmark section (Spark's start alone takes 15 to 110 s on the 2-core machine).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TICK = os.sysconf("SC_CLK_TCK")


def jvm_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rest(spark: Any, what: str) -> list[dict[str, Any]]:
    """One list of the Spark UI's REST API (``stages``, ``storage/rdd``) of this application."""
    ui = spark.sparkContext.uiWebUrl
    app = spark.sparkContext.applicationId
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/{what}") as r:
        return list(json.load(r))


def main(log: str, partitions: str | None = None) -> None:
    from gen_events import map_path

    from journeymap.events import IngestOptions
    from journeymap.events.inputs import log_files
    from journeymap.events.spark import SparkEngine, local_session
    from journeymap.events.sql import CHECKS, RESULTS, mapping_rules, statements, where_columns
    from journeymap.io.loader import load_map

    t0 = time.perf_counter()
    spark = local_session(ui=True)
    if partitions:
        spark.conf.set("spark.sql.shuffle.partitions", partitions)
    pid = spark.sparkContext._gateway.proc.pid
    print(f"session start {time.perf_counter() - t0:.1f} s wall, JVM {jvm_cpu(pid):.1f} s CPU")
    jm = load_map(map_path()).map
    opts = IngestOptions()
    stmts = statements(jm, opts, jm.select_goals(opts.goal))
    stmts["__timezone__"] = opts.timezone
    sc = spark.sparkContext
    with log_files([log]) as files:
        eng = SparkEngine(spark)
        steps: list[tuple[str, float, float]] = []

        def step(name: str, t: float, c: float) -> None:
            steps.append((name, time.perf_counter() - t, jvm_cpu(pid) - c))

        t, c = time.perf_counter(), jvm_cpu(pid)
        sc.setJobDescription("load")
        eng.load(files, opts.columns, where_columns(mapping_rules(jm)), None)
        cached = eng._relations(stmts, None)
        step("load + plan the relations", t, c)
        for name in (*RESULTS, *CHECKS):
            t, c = time.perf_counter(), jvm_cpu(pid)
            sc.setJobDescription(name)
            eng._sql(stmts[name], opts.timezone).collect()
            step(name, t, c)
        for name, wall, cpu in steps:
            print(f"{name:28} {wall:8.1f} s wall {cpu:8.1f} s JVM CPU")
        print(
            f"{'total':28} {sum(s[1] for s in steps):8.1f} s wall "
            f"{sum(s[2] for s in steps):8.1f} s JVM CPU"
        )
        mb = 2**20
        print("stage  tasks   cpu s  rows read   shuffle write MB  spill mem/disk MB  query")
        for s in reversed(rest(spark, "stages")):
            print(
                f"{s['stageId']:5} {s['numTasks']:6} {s['executorCpuTime'] / 1e9:7.1f}"
                f" {s['inputRecords'] + s['shuffleReadRecords']:11,}"
                f" {s['shuffleWriteBytes'] / mb:10.1f} ({s['shuffleWriteRecords']:,} rows)"
                f" {s['memoryBytesSpilled'] / mb:8.1f} / {s['diskBytesSpilled'] / mb:.1f}"
                f"  {s.get('description', '')}: {s['name'][:40]}"
            )
        for rdd in rest(spark, "storage/rdd"):
            print(
                f"cached {rdd['name'][:50]}: {rdd['memoryUsed'] / mb:.1f} MB in memory,"
                f" {rdd['diskUsed'] / mb:.1f} MB on disk, {rdd['numCachedPartitions']} partitions"
            )
        for df in cached:
            df.unpersist()
        print("load average", os.getloadavg())


if __name__ == "__main__":
    main(*sys.argv[1:3])
