"""``journeymap check`` and ``diff`` as users run them: exit codes, formats, baselines, errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from journeymap.io.revision import RevisionError, load_at_revision
from tests.checks.inproc import run_inproc
from tests.support import MAPS, ROOT, run_cli

FIRST = MAPS / "first-purchase.yaml"
Q2 = MAPS / "overlays" / "first-purchase.2026-Q2.yaml"


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err


def test_example_maps_pass() -> None:
    r = run_cli("check", str(MAPS))
    assert r.code == 0, r.out + r.err
    assert "journeymap check passed" in r.out
    _no_traceback(r.err)


@pytest.mark.parametrize("fmt", ["json", "markdown", "github", "junit", "sarif"])
def test_example_maps_pass_in_every_format(fmt: str) -> None:
    r = run_inproc("check", str(MAPS), "--format", fmt)
    assert r.code == 0, r.out + r.err


def _line_col(text: str, needle: str) -> tuple[int, int]:
    """1-based line of the first line containing `needle`, and the column where it starts."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i, line.index(needle) + 1
    raise AssertionError(needle)


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, dict[str, tuple[int, int]]]:
    """A copy of maps/ whose first-purchase map breaks its conversion limit and an empty stage."""
    copy = tmp_path / "maps"
    shutil.copytree(MAPS, copy)
    path = copy / "first-purchase.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"conversion: \{min: [0-9.]+\}", "conversion: {min: 0.5}", text, count=1)
    text = text.replace("\nstages:\n", "\nstages:\n  - id: draft-stage\n    name: Draft\n", 1)
    path.write_text(text, encoding="utf-8")
    line, col = _line_col(text, "conversion: {min: 0.5}")
    sline, scol = _line_col(text, "- id: draft-stage")
    return path, {"JM101": (line, col + len("conversion: ")), "JM204": (sline, scol + 2)}


def test_broken_copy_text(broken: tuple[Path, dict[str, tuple[int, int]]]) -> None:
    path, where = broken
    r = run_cli("check", str(path.parent))
    assert r.code == 1
    line, col = where["JM101"]
    assert f"{path}:{line}:{col}: JM101 error: conversion is " in r.out
    sline, scol = where["JM204"]
    assert f"{path}:{sline}:{scol}: JM204 warning: stage 'draft-stage' has no touchpoints" in r.out
    _no_traceback(r.err)


def test_broken_copy_every_format(broken: tuple[Path, dict[str, tuple[int, int]]]) -> None:
    path, where = broken
    line, col = where["JM101"]
    for fmt in ("json", "markdown", "github", "junit", "sarif"):
        r = run_inproc("check", str(path), "--format", fmt)
        assert r.code == 1, (fmt, r.err)
        _no_traceback(r.err)
        if fmt == "json":
            doc = json.loads(r.out)
            assert ["JM101", line, col] in [
                [f["code"], f["line"], f["col"]] for f in doc["maps"][0]["findings"]
            ]
        elif fmt == "github":
            assert (
                f"::error file={path},line={line},col={col},title=JM101 limit.conversion::" in r.out
            )
        elif fmt == "junit":
            root = ET.fromstring(r.out)
            fails = [
                (failure.get("type"), c.get("line"))
                for c in root.iter("testcase")
                if (failure := c.find("failure")) is not None
            ]
            assert fails == [("JM101", str(line))]
        elif fmt == "sarif":
            res = json.loads(r.out)["runs"][0]["results"]
            hits = [
                (
                    x["ruleId"],
                    x["locations"][0]["physicalLocation"]["region"]["startLine"],
                    x["locations"][0]["physicalLocation"]["region"]["startColumn"],
                )
                for x in res
            ]
            assert ("JM101", line, col) in hits
        else:
            assert f"| error | JM101 | `{path}:{line}:{col}` |" in r.out
            assert "❌ journeymap check failed" in r.out


def test_fail_on_warning(broken: tuple[Path, dict[str, tuple[int, int]]]) -> None:
    path, _ = broken
    text = path.read_text(encoding="utf-8").replace(
        "conversion: {min: 0.5}", "conversion: {min: 0.01}"
    )
    path.write_text(text, encoding="utf-8")
    assert run_inproc("check", str(path)).code == 0
    assert run_inproc("check", str(path), "--fail-on", "warning").code == 1


def test_github_format_is_automatic_in_actions(
    broken: tuple[Path, dict[str, tuple[int, int]]], tmp_path: Path
) -> None:
    path, _ = broken
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    r = run_inproc(
        "check", str(path), env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert r.code == 1
    assert r.out.startswith("::error file=")
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## ❌ journeymap check failed")
    r = run_inproc("check", str(path), "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert not r.out.startswith("::")


def test_output_file_and_refusing_to_overwrite_an_input(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    r = run_inproc("check", str(FIRST), "--format", "sarif", "-o", str(out))
    assert r.code == 0 and r.out == ""
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    copy = tmp_path / "m.yaml"
    shutil.copy(MAPS / "support.yaml", copy)
    r = run_inproc("check", str(copy), "-o", str(copy))
    assert r.code == 2
    assert "refusing to overwrite the input file" in r.err
    _no_traceback(r.err)


def test_usage_errors_exit_2_without_traceback() -> None:
    cases = [
        (["check", str(MAPS), "--data", str(Q2)], "--data goes with exactly one map"),
        (["check", str(MAPS), "--baseline", str(FIRST)], "--baseline goes with exactly one map"),
        (["check", str(FIRST), "--baseline-data", str(Q2)], "--baseline-data goes with --baseline"),
        (
            ["check", str(FIRST), "--baseline", str(FIRST), "--baseline-ref", "HEAD"],
            "give either --baseline or --baseline-ref",
        ),
        (["check", "nowhere.yaml"], "no such file or folder: nowhere.yaml"),
        (["check", str(FIRST), "--format", "xml"], "Invalid value for '--format'"),
        (["check", str(FIRST), "--goal", "checkout"], "--goal: the map has no goal 'checkout'"),
    ]
    for args, message in cases:
        r = run_inproc(*args)
        assert r.code == 2, (args, r.out, r.err)
        assert message in r.err, (args, r.err)
        _no_traceback(r.err)


def test_invalid_map_is_exit_2_with_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "journeymap: 1\nid: x\ntitle: X\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n      - {id: a, name: A, next: {chekout: 1}}\n"
        "      - {id: checkout, name: C}\n",
        encoding="utf-8",
    )
    r = run_cli("check", str(bad))
    assert r.code == 2
    assert f"{bad}:8:" in r.err and "did you mean 'checkout'?" in r.err
    _no_traceback(r.err)


def test_disabling_a_non_lint_code_is_a_config_error(tmp_path: Path) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(
        "journeymap: 1\nid: x\ntitle: X\nchecks:\n  lint:\n    disable:\n"
        "      - {code: JM101, reason: no}\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n      - {id: a, name: A, entries: 5, next: {b: 1}}\n"
        "      - {id: b, name: B, goal: true}\n",
        encoding="utf-8",
    )
    r = run_inproc("check", str(m))
    assert r.code == 2
    assert r.err.startswith(f"{m}:7:16: checks.lint.disable: JM101 is a limit check, not lint")
    _no_traceback(r.err)


def test_a_chain_that_cannot_absorb_is_a_finding_not_exit_2(tmp_path: Path) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(
        "journeymap: 1\nid: x\ntitle: X\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n      - {id: ad, name: Ad, entries: 100, next: {paid: 20}, exits: 80}\n"
        "      - {id: a, name: A, next: {b: 50}, exits: 0}\n"
        "      - {id: b, name: B, next: {a: 50}, exits: 0}\n"
        "      - {id: paid, name: Paid, goal: true}\n",
        encoding="utf-8",
    )
    r = run_inproc("check", str(m))
    assert r.code == 1
    assert f"{m}:9:9: JM209 error: the journey cannot absorb: 'a', 'b'" in r.out
    _no_traceback(r.err)


def test_baseline_flags_the_example_regression() -> None:
    r = run_inproc(
        "check",
        str(FIRST),
        "--baseline",
        str(FIRST),
        "--baseline-data",
        str(Q2),
        "--format",
        "json",
    )
    assert r.code == 1
    doc = json.loads(r.out)
    comp = doc["maps"][0]["comparison"]
    verdicts = {(t["metric"], t["subject"]): t["verdict"] for t in comp["tests"]}
    assert verdicts[("drop_off", "checkout")] == "REGRESSION"
    assert verdicts[("conversion", "map")] == "REGRESSION"
    assert comp["overlap"] is None


def test_thin_baseline_is_not_judged(tmp_path: Path) -> None:
    """A baseline period with a handful of journeys gives INSUFFICIENT_DATA, never a pass."""
    base = tmp_path / "base.yaml"
    base.write_text(
        "journeymap: 1\nid: x\ntitle: X\nperiod: 2026-Q2\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n      - {id: cart, name: Cart, entries: 12, next: {paid: 9}, exits: 3}\n"
        "      - {id: paid, name: Paid, goal: true}\n",
        encoding="utf-8",
    )
    now = tmp_path / "now.yaml"
    now.write_text(
        base.read_text(encoding="utf-8")
        .replace("2026-Q2", "2026-Q3")
        .replace(
            "entries: 12, next: {paid: 9}, exits: 3", "entries: 12, next: {paid: 2}, exits: 10"
        ),
        encoding="utf-8",
    )
    r = run_inproc("check", str(now), "--baseline", str(base))
    assert r.code == 0
    assert "INSUFFICIENT_DATA" in r.out
    assert f"{now}:9:9: JM301 warning: drop-off at 'cart': too little data to judge" in r.out
    assert run_inproc("check", str(now), "--baseline", str(base), "--fail-on", "warning").code == 1


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin",
        },
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "maps").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    text = (
        "journeymap: 1\nid: x\ntitle: X\nperiod: 2026-Q2\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n      - {id: cart, name: Cart, entries: 1000, next: {paid: 700}, exits: 300}\n"
        "      - {id: paid, name: Paid, goal: true}\n"
    )
    (repo / "maps" / "shop.yaml").write_text(text, encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "baseline")
    (repo / "maps" / "shop.yaml").write_text(
        text.replace("2026-Q2", "2026-Q3").replace(
            "{paid: 700}, exits: 300", "{paid: 600}, exits: 400"
        ),
        encoding="utf-8",
    )
    return repo


def test_baseline_ref(repo: Path) -> None:
    r = run_inproc("check", "maps/", "--baseline-ref", "main", cwd=repo)
    assert r.code == 1, r.err
    assert "maps/shop.yaml:9:9: JM301 error: drop-off at 'cart' got worse: 30.0% -> 40.0%" in r.out
    assert "against main (2026-Q2 -> 2026-Q3)" in r.out


def test_baseline_ref_missing_revision_says_to_fetch(repo: Path) -> None:
    r = run_cli("check", "maps/shop.yaml", "--baseline-ref", "origin/main", cwd=repo)
    assert r.code == 2
    assert "the revision 'origin/main' is not in this clone" in r.err
    assert "git fetch origin main" in r.err and "fetch-depth: 0" in r.err
    _no_traceback(r.err)


def test_baseline_ref_new_map_is_a_note(repo: Path) -> None:
    shutil.copy(repo / "maps" / "shop.yaml", repo / "maps" / "new.yaml")
    r = run_inproc("check", "maps/new.yaml", "--baseline-ref", "main", cwd=repo)
    assert r.code == 0
    assert "note: maps/new.yaml does not exist at 'main'" in r.err


def test_diff_text_and_markdown(repo: Path) -> None:
    r = run_inproc("diff", "main:maps/shop.yaml", "maps/shop.yaml", cwd=repo)
    assert r.code == 0, r.err
    assert r.out.startswith("main:maps/shop.yaml -> maps/shop.yaml\n")
    assert "REGRESSION" in r.out and "structure: no changes" in r.out
    r = run_inproc(
        "diff", "main:maps/shop.yaml", "maps/shop.yaml", "--format", "markdown", cwd=repo
    )
    assert r.code == 0
    assert r.out.startswith("## Changes from `main:maps/shop.yaml` to `maps/shop.yaml`")
    assert "| REGRESSION | drop_off | cart | 30.0% | 40.0% | +10.0 pp |" in r.out


def test_diff_between_two_files_lists_structure() -> None:
    r = run_inproc(
        "diff",
        str(ROOT / "tests/checks/golden/shop-q2.yaml"),
        str(ROOT / "tests/checks/golden/shop.yaml"),
    )
    assert r.code == 0
    assert "RENAMED             'basket' is now 'корзина'" in r.out
    assert "REMOVED             touchpoint 'faq' is gone" in r.out


INVALID = sorted((ROOT / "tests" / "cases" / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_every_invalid_input_is_exit_2_without_traceback(path: Path) -> None:
    r = run_inproc("check", str(path))
    assert r.code == 2, (r.out, r.err)
    assert r.err.strip() and r.out == ""
    _no_traceback(r.err)


def _overlay(period: str, exits: int) -> str:
    return (
        f"journeymap-data: 1\nmap: x\nperiod: {period}\ntouchpoints:\n"
        f"  cart: {{entries: 1000, next: {{paid: {1000 - exits}}}, exits: {exits}}}\n"
    )


def test_baseline_ref_reads_the_overlay_at_the_revision(repo: Path) -> None:
    (repo / "data.yaml").write_text(_overlay("2026-Q2", 300), encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "Q2 numbers")
    (repo / "data.yaml").write_text(_overlay("2026-Q3", 360), encoding="utf-8")
    r = run_inproc(
        "check",
        "maps/shop.yaml",
        "--data",
        "data.yaml",
        "--baseline-ref",
        "main",
        "--format",
        "json",
        cwd=repo,
    )
    assert r.code == 1, r.err
    comp = json.loads(r.out)["maps"][0]["comparison"]
    t = next(t for t in comp["tests"] if t["metric"] == "drop_off")
    assert (t["x_before"], t["x_after"], t["verdict"]) == (300, 360, "REGRESSION")
    assert (comp["baseline_period"], comp["current_period"]) == ("2026-Q2", "2026-Q3")
    r = run_inproc(
        "diff",
        "main:maps/shop.yaml",
        "maps/shop.yaml",
        "--old-data",
        "main:data.yaml",
        "--new-data",
        "data.yaml",
        cwd=repo,
    )
    assert r.code == 0, r.err
    assert "30.0% -> 36.0%" in r.out


def test_baseline_ref_without_the_overlay_at_the_revision(repo: Path) -> None:
    (repo / "data.yaml").write_text(_overlay("2026-Q3", 360), encoding="utf-8")
    r = run_inproc(
        "check", "maps/shop.yaml", "--data", "data.yaml", "--baseline-ref", "main", cwd=repo
    )
    assert r.code == 2
    assert r.err.splitlines()[0] == (
        "--baseline-ref: the overlay data.yaml does not exist at 'main'; give the baseline "
        "explicitly with --baseline and --baseline-data"
    )
    _no_traceback(r.err)


def test_revision_errors_speak_of_the_revision_not_of_flags(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library raises RevisionError with the ref; only the CLI names its option."""
    monkeypatch.chdir(repo)
    (repo / "data.yaml").write_text(_overlay("2026-Q3", 360), encoding="utf-8")
    with pytest.raises(RevisionError) as info:
        load_at_revision("origin/main", "maps/shop.yaml")
    assert (str(info.value), info.value.ref) == (
        "the revision 'origin/main' is not in this clone",
        "origin/main",
    )
    assert info.value.overlay is None and "git fetch origin main" in (info.value.hint or "")
    with pytest.raises(RevisionError) as info:
        load_at_revision("main", "maps/shop.yaml", data="data.yaml")
    assert str(info.value) == "the overlay data.yaml does not exist at 'main'"
    assert (info.value.overlay, info.value.hint) == ("data.yaml", None)
    loaded = load_at_revision("main", "maps/shop.yaml")
    assert loaded is not None and loaded.display == "main:maps/shop.yaml"
    assert load_at_revision("main", "maps/nothing.yaml") is None
    r = run_inproc("diff", "origin/main:maps/shop.yaml", "maps/shop.yaml", cwd=repo)
    assert r.code == 2
    assert r.err.startswith("diff: the revision 'origin/main' is not in this clone; fetch it first")
