from __future__ import annotations

import json
from pathlib import Path

from journeymap import __version__
from tests.support import MAPS, ROOT, run_cli


def test_version() -> None:
    r = run_cli("--version")
    assert r.code == 0
    assert r.out.strip() == f"journeymap {__version__}"


def test_the_version_is_written_once() -> None:
    """pyproject.toml takes the version from journeymap/__init__.py; the package metadata agrees."""
    import importlib.metadata
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "journeymap.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    source = (ROOT / "journeymap" / "__init__.py").read_text(encoding="utf-8")
    assert len(re.findall(r"\d+\.\d+\.\d+", source)) == 1
    assert importlib.metadata.version("journeymap") == __version__


def test_help_lists_commands() -> None:
    r = run_cli("--help")
    assert r.code == 0
    for name in ("validate", "schema", "init"):
        assert name in r.out


def test_unknown_command_suggests() -> None:
    r = run_cli("valdate", "x")
    assert r.code == 2
    assert "did you mean 'validate'?" in r.err
    assert "Traceback" not in r.err


def test_validate_example_maps() -> None:
    r = run_cli("validate", str(MAPS))
    assert r.code == 0, r.err
    assert "0 invalid" in r.out


def test_validate_json_output() -> None:
    r = run_cli("validate", "--format", "json", str(MAPS / "starter-shop.yaml"))
    assert r.code == 0
    doc = json.loads(r.out)
    assert doc["valid"] is True
    assert doc["files"][0]["touchpoints"] == 5


def test_validate_missing_file() -> None:
    r = run_cli("validate", "does-not-exist.yaml")
    assert r.code == 2
    assert r.err.strip() == "no such file or folder: does-not-exist.yaml"


def test_init_writes_a_valid_map_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "journey.yaml"
    assert run_cli("init", str(target)).code == 0
    assert run_cli("validate", str(target)).code == 0
    again = run_cli("init", str(target))
    assert again.code == 2
    assert "exists already" in again.err


def test_schema_file_is_current() -> None:
    for flag, name in (([], "journeymap.schema.json"), (["--overlay"], "overlay.schema.json")):
        r = run_cli("schema", *flag)
        assert r.code == 0
        assert r.out == (ROOT / "docs" / "schema" / name).read_text(encoding="utf-8"), (
            f"docs/schema/{name} is stale: run 'journeymap schema {' '.join(flag)} -o docs/schema/{name}'"
        )


def test_cli_reference_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_cli", ROOT / "docs" / "gen_cli.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.text() == (ROOT / "docs" / "cli.md").read_text(encoding="utf-8"), (
        "docs/cli.md is stale: run '.venv/bin/python docs/gen_cli.py'"
    )


def test_init_writes_the_schema_its_modeline_names(tmp_path: Path) -> None:
    target = tmp_path / "journey.yaml"
    r = run_cli("init", str(target))
    assert r.code == 0
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=journeymap.schema.json"
    schema = json.loads((tmp_path / "journeymap.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "JourneyMap"


def test_folder_overlays_are_checked_against_their_map(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text(
        (ROOT / "tests/cases/overlay/map.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "q3.yaml").write_text(
        (ROOT / "tests/cases/overlay/unknown-touchpoint.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    r = run_cli("validate", str(tmp_path))
    assert r.code == 2
    assert f"{tmp_path / 'q3.yaml'}:6:3: unknown touchpoint 'chekout'" in r.err
