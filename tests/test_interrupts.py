"""Ctrl-C and SIGTERM during a long ingest (issue 17): the command stops at once (DuckDB's query
is interrupted, not waited for), removes its temporary folders, writes no output and exits
128 + the signal's number with a message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import MAPS, ROOT


def _big_log(path: Path, rows: int = 1_500_000) -> Path:
    import duckdb

    duckdb.sql(
        "COPY (SELECT 'u' || (i % 100000) AS user_id, TIMESTAMP '2026-01-01' + INTERVAL (i) SECOND"
        " AS timestamp, ['search-ad', 'product-page', 'cart', 'checkout', 'order-confirmed']"
        f"[1 + i % 5] AS event FROM range({rows}) t(i)) TO '{path}'"
    )
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_long_ingest_and_cleans_up(
    tmp_path: Path, signum: signal.Signals, code: int
) -> None:
    log = _big_log(tmp_path / "big.csv")
    spill = tmp_path / "tmp"
    spill.mkdir()
    out = tmp_path / "overlay.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(spill), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "journeymap", "ingest", str(log), "--map",
         str(MAPS / "starter-shop.yaml"), "-o", str(out), "-q"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(spill.glob("journeymap-duckdb-*")) and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    time.sleep(0.5)  # inside DuckDB's queries by now
    assert proc.poll() is None, "the ingest ended before the signal: make the log longer"
    sent = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    waited = time.monotonic() - sent
    assert proc.returncode == code, err
    name = signal.Signals(signum).name
    assert err.strip().endswith(
        f"interrupted by {name}: stopped; temporary files removed, no output written"
    )
    assert "Traceback" not in err
    assert waited < 10  # not the rest of the ingest (tens of seconds on a loaded machine)
    assert not list(spill.iterdir())
    assert not out.exists()


def test_interruptible_restores_the_handlers_it_replaced() -> None:
    from journeymap.cli.interrupts import Interrupted, interruptible

    before = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)]
    with pytest.raises(Interrupted) as info, interruptible():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert info.value.exit_code == 143
    assert [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)] == before
