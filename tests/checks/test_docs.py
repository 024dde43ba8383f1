"""The generated checks reference is current, and every CI example in the docs really runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap.io import parse_yaml
from journeymap.model import Checks
from tests.support import MAPS, ROOT

sys.path.insert(0, str(ROOT / "docs"))
import gen_checks

CI_MD = ROOT / "docs" / "ci.md"


def test_checks_md_is_current() -> None:
    assert (ROOT / "docs" / "checks.md").read_text(encoding="utf-8") == gen_checks.text(), (
        "docs/checks.md is stale: run docs/gen_checks.py"
    )


def test_checks_grammar_example_is_valid() -> None:
    text = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(checks:\n.*?)```", text, re.S)
    assert block is not None
    # journeymap's own YAML 1.2 reader: `on:` stays a key (YAML 1.1 would make it True)
    doc = parse_yaml(block.group(1).encode("utf-8"), "checks.md")
    Checks.model_validate(doc["checks"])


def test_readme_links_the_pages() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/checks.md)" in readme and "(docs/ci.md)" in readme


def _yaml_blocks(text: str) -> list[Any]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def _commands(node: Any) -> list[str]:
    """Every shell line of `run:` steps and `script:` lists that calls journeymap."""
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                out += [ln for ln in value.splitlines() if ln.strip().startswith("journeymap ")]
            elif key == "script" and isinstance(value, list):
                out += [ln for ln in value if ln.strip().startswith("journeymap ")]
            else:
                out += _commands(value)
    elif isinstance(node, list):
        for item in node:
            out += _commands(item)
    return out


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
def ci_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository with the example maps whose main branch is also at origin/main, and a
    `journeymap` on PATH that runs this checkout."""
    repo = tmp_path / "repo"
    # the first-purchase map with what it includes, and one more map: enough to run the
    # examples, and quicker than all the translations
    shutil.copytree(
        MAPS,
        repo / "maps",
        ignore=shutil.ignore_patterns("lv", "ru", "zh", "retention.yaml", "starter-shop.yaml"),
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "maps")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "journeymap"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m journeymap "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        {
            "PATH": f"{bindir}:{env.get('PATH', '')}",
            "PYTHONPATH": str(ROOT),
            "NO_COLOR": "1",
            "CI_DEFAULT_BRANCH": "main",
        }
    )
    return repo, env


def _sh(cmd: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", cmd],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_ci_examples_run(ci_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = ci_repo
    docs = _yaml_blocks(CI_MD.read_text(encoding="utf-8"))
    assert len(docs) >= 4
    commands = [c for d in docs for c in _commands(d)]
    assert any("--baseline-ref origin/main" in c for c in commands)
    assert any("--baseline-ref origin/$CI_DEFAULT_BRANCH" in c for c in commands)
    assert any("--format sarif" in c for c in commands)
    for cmd in commands:
        r = _sh(cmd, repo, env)
        assert r.returncode == 0, (cmd, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
    assert (repo / "journeymap-junit.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert (repo / "journeymap.sarif").exists() and (repo / "journeymap.md").exists()


@pytest.mark.slow
def test_sh_examples_run(ci_repo: tuple[Path, dict[str, str]]) -> None:
    """The `sh` block at the top of docs/ci.md, with the paths it names made real."""
    repo, env = ci_repo
    text = CI_MD.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block is not None
    (repo / "data").mkdir()
    shutil.copy(
        repo / "maps" / "overlays" / "first-purchase.2026-Q2.yaml", repo / "data" / "2026-Q2.yaml"
    )
    q3 = (repo / "data" / "2026-Q2.yaml").read_text(encoding="utf-8").replace("2026-Q2", "2026-Q3")
    (repo / "data" / "2026-Q3.yaml").write_text(q3, encoding="utf-8")
    shutil.copy(repo / "maps" / "first-purchase.yaml", repo / "maps" / "shop.yaml")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "shop")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    script = block.group(1).replace("\\\n", " ")
    for line in script.splitlines():
        cmd = line.split("#", 1)[0].strip()
        if not cmd:
            continue
        r = _sh(cmd, repo, env)
        # the copied Q2 numbers break some of the map's limits (exit 1); nothing may be unusable
        assert r.returncode in (0, 1), (cmd, r.stdout, r.stderr)
        assert r.stdout and "Traceback" not in r.stderr


def test_shallow_clone_message_is_the_real_one(ci_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = ci_repo
    _git(repo, "update-ref", "-d", "refs/remotes/origin/main")
    r = _sh("journeymap check maps/ --baseline-ref origin/main", repo, env)
    assert r.returncode == 2
    documented = re.search(
        r"```text\n(--baseline-ref: .*?)\n```", CI_MD.read_text(encoding="utf-8")
    )
    assert documented is not None
    assert r.stderr.strip() == documented.group(1)


def test_action_runs_its_check_step(ci_repo: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    repo, env = ci_repo
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    step = action["runs"]["steps"][-1]
    summary = tmp_path / "summary.md"
    summary.write_text("", encoding="utf-8")
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs["baseline-ref"] = "origin/main"
    step_env = {**env, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    for key, value in step["env"].items():
        m = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        assert m is not None, value
        step_env[key] = inputs[m.group(1)]
    r = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=repo,
        env=step_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "::warning file=maps/" in r.stdout  # the example maps carry lint warnings
    assert summary.read_text(encoding="utf-8").startswith("## ✅ journeymap check passed")


def test_pre_commit_hooks_run() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["journeymap-validate", "journeymap-check"]
    for hook in hooks:
        entry = hook["entry"].split()
        assert entry[0] == "journeymap"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
        env.pop("GITHUB_ACTIONS", None)
        r = subprocess.run(
            [sys.executable, "-m", "journeymap", *entry[1:], *hook["args"]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert r.returncode == 0, (hook["id"], r.stdout, r.stderr)
