"""Size limits of a map file and of one value (issue 14): a clear answer, at the value's
position, with the limit named in the hint, fast, from either YAML parser. Inputs are generated
here (no large file is committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from journeymap.errors import MapError
from journeymap.io import load_map
from journeymap.io.yamlsafe import MAX_SCALAR
from journeymap.source import MAX_BYTES
from tests.support import run_cli

HEAD = "journeymap: 1\nid: big\ntitle: Big\nstages:\n  - id: s\n    name: S\n    touchpoints:\n"
HINT = (
    "one value holds at most 100,000 characters (a text field at most 20,000); keep long "
    "documents outside the map and link to them"
)


def _map(tmp_path: Path, description: str, *, first_line: str = "") -> Path:
    path = tmp_path / "big.yaml"
    path.write_text(
        first_line + HEAD + "      - id: a\n        name: A\n"
        f'        description: "{description}"\n        goal: true\n',
        encoding="utf-8",
    )
    return path


def _headline(path: Path, monkeypatch: pytest.MonkeyPatch, parser: str) -> str:
    if parser == "python":
        monkeypatch.setenv("JOURNEYMAP_YAML_PARSER", "python")
    with pytest.raises(MapError) as info:
        load_map(path)
    return info.value.diagnostics[0].headline()


@pytest.mark.parametrize("parser", ["libyaml", "python"])
def test_a_value_over_the_limit_is_refused_at_its_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser: str
) -> None:
    if parser == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml here")
    path = _map(tmp_path, "x" * (MAX_SCALAR + 1))
    assert _headline(path, monkeypatch, parser) == (
        f"{path}:10:22: this value is 100,001 characters long; {HINT}"
    )


def test_a_long_key_is_a_value_too(tmp_path: Path) -> None:
    path = tmp_path / "key.yaml"
    long_key = "? " + "k" * 150_000 + "\n: 1"  # an explicit key: a simple one stops at 1,024
    path.write_text(HEAD.replace("title: Big", "title: Big\n" + long_key), "utf-8")
    with pytest.raises(MapError) as info:
        load_map(path)
    assert info.value.diagnostics[0].headline() == (
        f"{path}:4:3: this value is 150,000 characters long; {HINT}"
    )


def test_a_20_mb_value_gets_one_clear_error_with_exit_2(tmp_path: Path) -> None:
    """The issue's case, through the command: exit 2, one message, the code frame cut short,
    no traceback (the answer takes a fraction of a second: libyaml scans it once)."""
    path = _map(tmp_path, "x" * (20 * 2**20))
    r = run_cli("validate", str(path))
    assert r.code == 2
    first = r.err.splitlines()[0]
    assert first == f"{path}:10:22: this value is 20,971,520 characters long; {HINT}"
    assert "Traceback" not in r.err and len(r.err) < 1000


def test_a_tab_sends_the_text_to_pypyaml_but_a_long_value_is_still_found_by_libyaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tab makes the reader use PyYAML's pure-Python parser (its messages and positions);
    a large text gets a libyaml pass for over-long values first, with the same message as the
    pure-Python parser gives (here by forcing it on the same file)."""
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml here")
    path = _map(tmp_path, "x" * (MAX_SCALAR + 5), first_line="# a\tcomment\n")
    ours = _headline(path, monkeypatch, "libyaml")
    assert ours == f"{path}:11:22: this value is 100,005 characters long; {HINT}"
    assert _headline(path, monkeypatch, "python") == ours


def test_a_value_at_the_limit_reaches_the_model_which_names_its_own_limit(
    tmp_path: Path,
) -> None:
    path = _map(tmp_path, "x" * MAX_SCALAR)
    with pytest.raises(MapError) as info:
        load_map(path)
    assert info.value.diagnostics[0].headline() == (
        f"{path}:10:22: stages[0].touchpoints[0].description is too long (100,000 characters); "
        "at most 20,000 characters here"
    )
    fits = _map(tmp_path, "x" * 20_000)
    assert load_map(fits).map.stages[0].touchpoints[0].description == "x" * 20_000


def test_a_file_over_the_size_limit_names_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with big.open("wb") as fh:  # sparse: the size says 64 MiB + 1 without writing it
        fh.truncate(MAX_BYTES + 1)
    r = run_cli("validate", str(big))
    assert r.code == 2
    assert r.err.splitlines()[0] == (
        f"{big}:1:1: the file is larger than 64 MiB; journeymap reads files of at most 64 MiB "
        "(a map of 2,000 touchpoints is about 0.5 MB); split a larger map into files with "
        "'include:'"
    )
