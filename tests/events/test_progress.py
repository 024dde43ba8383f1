"""The stage line of a long read: on a terminal only, never with --quiet, NO_COLOR or CI."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import duckdb
import pytest

import journeymap.cli.progress as progress
from journeymap.cli import main as cli_main
from tests.support import run_cli

MAP = """\
journeymap: 1
id: shop
title: Shop
stages:
  - id: s
    name: S
    touchpoints:
      - {id: home, name: Home, next: [paid]}
      - {id: paid, name: Paid, goal: true}
"""


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    log = tmp_path / "log.parquet"
    duckdb.sql(
        "COPY (SELECT 'u' || (i // 2) AS user_id, TIMESTAMP '2026-01-01' + to_seconds(i) AS "
        "timestamp, CASE WHEN i % 2 = 0 THEN 'home' ELSE 'paid' END AS event FROM range(6) t(i)) "
        f"TO '{log}' (FORMAT parquet)"
    )
    return tmp_path / "m.yaml", log


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    for name in ("NO_COLOR", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    return Terminal()


def test_quiet_without_a_terminal(shop: tuple[Path, Path], tmp_path: Path) -> None:
    m, log = shop
    r = run_cli("ingest", str(log), "--map", str(m), "-o", str(tmp_path / "o.json"), env={"CI": ""})
    assert r.code == 0, r.err
    assert "\x1b[K" not in r.err and "sorting" not in r.err and "6 rows read" in r.err


def test_the_stages_on_a_forced_terminal(
    shop: tuple[Path, Path], tmp_path: Path, terminal: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(sys, "stderr", terminal)
    m, log = shop
    with pytest.raises(SystemExit) as done:
        cli_main(["ingest", str(log), "--map", str(m), "-o", str(tmp_path / "o.json")])
    assert done.value.code in (0, None)
    shown = terminal.getvalue()
    stages = [part.split(" ... [")[0] for part in shown.split("\r\x1b[K") if " ... [" in part]
    assert stages == [
        "opening 1 file",
        "reading 6 rows, sorting them by customer and time",
        "journeys, visits, conversions",
        "counting",
    ]
    # the line is wiped before the warning and the summary are written
    after = shown.rsplit("\r\x1b[K", 1)[1]
    assert " ... [" not in after and "o.json: 6 rows read" in after


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"CI": "true"}, {"TERM": "dumb"}, {}])
def test_quiet_with_no_color_ci_or_quiet(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    quiet = not env  # no variable: --quiet alone silences it
    assert progress.stage_line(quiet, terminal) is None
    assert progress.stage_line(False, Terminal()) is not None or env


def test_a_quick_run_shows_nothing(terminal: Terminal) -> None:
    line = progress.StageLine(terminal, delay=60.0)
    line("reading 6 rows")
    line.end()
    assert terminal.getvalue() == ""
