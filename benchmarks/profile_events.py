"""Where an event-log command spends its time: each DuckDB statement, and the rest.

    .venv/bin/python benchmarks/profile_events.py trend MAP LOG --events --every month -o OUT

Runs the journeymap command in this process with every statement of the DuckDB engine
(``journeymap.events.duck.DuckEngine.con``) timed, execute and fetch together, and prints the
slowest statements (by the temp table they create, or their first words), their sum and the
wall time of the whole command (the rest is start-up, Python and the analysis). A quick profile
for the benchmark sections, not a figure of docs/benchmarks.md.

On DuckDB the ordered pass (``jm_events``, ``jm_visits``) runs in numpy
(``journeymap/events/ordered_duck.py``): it shows as one statement, the sorted rows
(``SELECT 0 AS s, CAST(jm_cid ...`` or ``SELECT jm_np_s AS s, ...``, execute and fetch), and the
numpy time is in "the rest"; ``stats_events``, ``touchpoints`` and ``transitions`` come from the
arrays and no longer appear (they do again for a log passed in buckets, beyond 5M rows, where
``jm_events`` and ``jm_visits`` are tables appended by ``INSERT INTO``).
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SPENT: dict[str, float] = defaultdict(float)


def _label(sql: str) -> str:
    text = " ".join(sql.split())
    m = re.match(r"CREATE (?:OR REPLACE )?TEMP (?:TABLE|VIEW|MACRO) (\w+)", text)
    return m.group(1) if m else text[:60]


class _Result:
    def __init__(self, res: Any, label: str) -> None:
        self._res, self._label = res, label

    def fetchall(self) -> Any:
        t0 = time.perf_counter()
        try:
            return self._res.fetchall()
        finally:
            SPENT[self._label] += time.perf_counter() - t0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._res, name)


class _Timed:
    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, sql: str, *args: Any) -> _Result:
        label = _label(sql)
        t0 = time.perf_counter()
        try:
            return _Result(self._con.execute(sql, *args), label)
        finally:
            SPENT[label] += time.perf_counter() - t0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def main(argv: list[str]) -> None:
    from journeymap.cli import main as cli
    from journeymap.events import duck

    init = duck.DuckEngine.__init__

    def timed_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.con = _Timed(self.con)

    duck.DuckEngine.__init__ = timed_init  # type: ignore[method-assign]
    t0 = time.perf_counter()
    with contextlib.suppress(SystemExit):  # exit 1 (findings) still has a profile
        cli(argv)
    wall = time.perf_counter() - t0
    total = sum(SPENT.values())
    for label, s in sorted(SPENT.items(), key=lambda kv: -kv[1])[:12]:
        print(f"{s:8.2f} s  {s / wall:5.1%}  {label}")
    print(f"{total:8.2f} s  {total / wall:5.1%}  all DuckDB statements")
    print(f"{wall:8.2f} s  100.0%  the whole command (in process, after imports)")


if __name__ == "__main__":
    main(sys.argv[1:])
