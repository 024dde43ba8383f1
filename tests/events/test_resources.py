"""--memory-limit and --temp-dir reach DuckDB; bad values are one clear error (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from journeymap.cli import main as cli_main
from journeymap.events import duck
from journeymap.events.settings import Resources, SettingError, parse_size
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
LOG = "user_id,timestamp,event\nu,2026-01-01T10:00:00Z,home\nu,2026-01-01T10:01:00Z,paid\n"


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "m.yaml").write_text(MAP, encoding="utf-8")
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    return tmp_path / "m.yaml", tmp_path / "log.csv"


def test_sizes_by_hand() -> None:
    assert parse_size("500MB", "m") == 500 * 10**6
    assert parse_size("2GiB", "m") == 2 * 1024**3
    assert parse_size(" 1.5 gib ", "m") == 3 * 2**29
    for bad in ("lots", "12", "4 GB of it", "-1GB", "1e9B"):
        with pytest.raises(SettingError, match=r"is not a size"):
            parse_size(bad, "memory_limit")


def test_the_engine_uses_the_limit_and_the_folder(tmp_path: Path) -> None:
    eng = duck.DuckEngine(Resources(memory_limit=300 * 2**20, temp_dir=str(tmp_path)))
    try:
        [(limit, folder, ordered)] = eng.con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('preserve_insertion_order')"
        ).fetchall()
        spill = Path(folder)
        assert limit == "300.0 MiB" and spill.parent == tmp_path and ordered is False
    finally:
        eng.close()
    assert not spill.exists()  # the engine's own subfolder is removed, the given folder stays
    assert tmp_path.is_dir()


def test_the_options_reach_duckdb_from_every_event_command(
    shop: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Any, ...]] = []
    init = duck.DuckEngine.__init__

    def spy(self: duck.DuckEngine, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        row = self.con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
        assert row is not None
        seen.append(row)

    monkeypatch.setattr(duck.DuckEngine, "__init__", spy)
    m, log = shop
    spill = tmp_path / "spill"
    spill.mkdir()
    given = ["--memory-limit", "256MiB", "--temp-dir", str(spill)]
    for args in (
        ["ingest", str(log), "--map", str(m), "-o", str(tmp_path / "o.json"), "-q", *given],
        ["cohorts", str(log), "--map", str(m), "-q", *given],
        ["discover", str(log), "-o", str(tmp_path / "d.yaml"), "-q", *given],
    ):
        with CliRunner().isolation() as (_, err, _):
            try:
                cli_main(args)
            except SystemExit as exc:
                assert exc.code in (0, None), (args[0], err.getvalue())
        assert seen and seen[-1][0] == "256.0 MiB", args[0]
        assert Path(seen[-1][1]).parent == spill, args[0]
        seen.clear()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--memory-limit", "lots"], "--memory-limit: 'lots' is not a size"),
        (["--memory-limit", "1MB"], "--memory-limit: 1,000,000 bytes is too little to sort a log"),
        (["--temp-dir", "nowhere/at/all"], "--temp-dir: 'nowhere/at/all' does not exist"),
        (["--temp-dir", "log.csv"], "--temp-dir: 'log.csv' is not a writable folder"),
    ],
)
def test_bad_values_are_one_error_with_a_hint(
    shop: tuple[Path, Path], args: list[str], message: str
) -> None:
    m, log = shop
    r = run_cli("ingest", "log.csv", "--map", str(m), "-o", "o.json", *args, cwd=log.parent)
    assert r.code == 2 and r.err.startswith(message + "; ") and r.err.count("\n") == 1


def test_spark_refuses_the_duckdb_resources(shop: tuple[Path, Path]) -> None:
    from journeymap.events import IngestOptions, ingest
    from journeymap.io import load_map

    m, log = shop
    opts = IngestOptions(resources=Resources(memory_limit=2**30))
    with pytest.raises(SettingError, match="memory_limit applies to the duckdb engine"):
        ingest(load_map(m).map, [str(log)], opts, engine="spark", spark=object())
