"""Hostile files and misused outputs (issue 17, the io side): inputs are never overwritten,
outputs that are FIFOs, devices or links are handled deliberately, reads are bounded, and
include and revision edge cases are clear errors with positions (exit 2, no traceback)."""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from journeymap.errors import MapError, UsageError
from journeymap.io import load_map, write_atomic
from journeymap.io.files import read_bounded
from journeymap.io.includes import MAX_INCLUDE_DEPTH
from journeymap.source import MAX_BYTES, TOO_LARGE_HINT
from tests.checks.inproc import run_inproc
from tests.support import Result

MAP = """\
journeymap: 1
id: shop
title: Shop
include: [part.yaml]
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: home
        name: Home
        entries: 100
        next: {cart: 40}
      - id: cart
        name: Cart
        next: {paid: 10}
"""

PART = """\
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: paid
        name: Paid
        goal: true
        scores:
          nps: {scale: [0, 10]}
"""

OVERLAY = "journeymap-data: 1\nmap: shop\ntouchpoints:\n  home: {entries: 90, next: {cart: 30}}\n"

LOG = """\
user_id,timestamp,event
u1,2026-01-01T10:00:00Z,home
u1,2026-01-01T10:01:00Z,cart
u1,2026-01-01T10:02:00Z,paid
u2,2026-01-01T10:00:00Z,home
"""

SURVEY = "touchpoint,metric,score\npaid,nps,10\npaid,nps,6\n"
FUNNEL = "Step,Users\nHome,100\nCart,40\nPaid,10\n"
PATHS = "path,total_conversions,total_null,total_conversion_value\nhome > cart,3,7,30\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with every kind of input: a map and its include, a baseline map, overlays,
    event logs, a survey export, a funnel report and a path table."""
    files = {
        "shop.yaml": MAP,
        "part.yaml": PART,
        "base.yaml": MAP.replace("100", "80"),
        "q1.yaml": OVERLAY,
        "q0.yaml": OVERLAY.replace("90", "70"),
        "logs/a.csv": LOG,
        "logs/b.csv": LOG.replace("u1", "u3"),
        "answers.csv": SURVEY,
        "funnel.csv": FUNNEL,
        "paths.csv": PATHS,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _no_traceback(r: Result) -> None:
    assert "Traceback" not in r.err, r.err


# ---------------------------------------------------------------- 1. inputs never overwritten

WRITERS: list[tuple[str, list[str], str]] = [
    # (the kind of input, the command, the input its -o names)
    ("map", ["check", "shop.yaml", "-o", "{}"], "shop.yaml"),
    ("include", ["check", "shop.yaml", "-o", "{}"], "part.yaml"),
    ("overlay", ["check", "shop.yaml", "--data", "q1.yaml", "-o", "{}"], "q1.yaml"),
    ("baseline", ["check", "shop.yaml", "--baseline", "base.yaml", "-o", "{}"], "base.yaml"),
    (
        "baseline include",
        ["check", "shop.yaml", "--baseline", "base.yaml", "-o", "{}"],
        "part.yaml",
    ),
    (
        "baseline overlay",
        ["check", "shop.yaml", "--baseline", "base.yaml", "--baseline-data", "q0.yaml", "-o", "{}"],
        "q0.yaml",
    ),
    ("map", ["diff", "base.yaml", "shop.yaml", "-o", "{}"], "base.yaml"),
    ("overlay", ["diff", "base.yaml", "shop.yaml", "--new-data", "q1.yaml", "-o", "{}"], "q1.yaml"),
    ("include", ["analyze", "shop.yaml", "-o", "{}"], "part.yaml"),
    ("overlay", ["analyze", "shop.yaml", "--compare-data", "q0.yaml", "-o", "{}"], "q0.yaml"),
    ("include", ["render", "shop.yaml", "--view", "mermaid", "-o", "{}"], "part.yaml"),
    ("include", ["ingest", "logs/a.csv", "--map", "shop.yaml", "-o", "{}"], "part.yaml"),
    ("log", ["ingest", "logs/*.csv", "--map", "shop.yaml", "-o", "{}"], "logs/b.csv"),
    ("log", ["discover", "logs/*.csv", "-o", "{}", "--force"], "logs/b.csv"),
    ("include", ["conform", "shop.yaml", "logs/a.csv", "-o", "{}"], "part.yaml"),
    ("log", ["conform", "shop.yaml", "logs/*.csv", "-o", "{}"], "logs/a.csv"),
    ("include", ["ingest-survey", "answers.csv", "--map", "shop.yaml", "-o", "{}"], "part.yaml"),
    ("export", ["ingest-survey", "answers.csv", "--map", "shop.yaml", "-o", "{}"], "answers.csv"),
    (
        "include",
        [
            "import",
            "funnel",
            "funnel.csv",
            "--map",
            "shop.yaml",
            "--steps",
            "home,cart,paid",
            "-o",
            "{}",
        ],
        "part.yaml",
    ),
    ("export", ["import", "paths", "paths.csv", "--map", "shop.yaml", "-o", "{}"], "paths.csv"),
]


GUARD = [
    pytest.param(args, victim, how, id=f"{args[0]}-{kind}-{victim}-{how}")
    for kind, args, victim in WRITERS
    for how in ("path", "symlink", "hardlink")
    if not (args[0] == "render" and how == "path")
]  # render -o must end in .mmd


@pytest.mark.parametrize(("args", "victim", "how"), GUARD)
def test_every_writing_command_refuses_each_input_it_reads(
    project: Path, args: list[str], victim: str, how: str
) -> None:
    """The guard: by its own path, through a symbolic link and through a hard link (the inode)."""
    target = victim
    if how != "path":
        target = "alias.mmd"
        link = os.symlink if how == "symlink" else os.link
        link(project / victim, project / target)
    before = (project / victim).read_bytes()
    r = run_inproc(*[a.format(target) for a in args], cwd=project)
    assert (r.code, r.err.strip()) == (
        2,
        f"refusing to overwrite the input file {target}; write the output to another file",
    )
    assert (project / victim).read_bytes() == before


def test_write_atomic_refuses_by_inode_and_keeps_other_files(tmp_path: Path) -> None:
    src = tmp_path / "in.yaml"
    src.write_text("x", encoding="utf-8")
    os.link(src, tmp_path / "hard.yaml")
    with pytest.raises(UsageError, match="refusing to overwrite the input file"):
        write_atomic(tmp_path / "hard.yaml", "y", inputs=[src])
    write_atomic(tmp_path / "out.txt", "y", inputs=[src])  # a new file is fine
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "y"
    assert src.read_text(encoding="utf-8") == "x"


# ------------------------------------------------------- 2. outputs that are not plain files


def test_output_to_a_fifo_is_written_directly(project: Path) -> None:
    fifo = project / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = run_inproc("check", "shop.yaml", "--format", "json", "-o", str(fifo), cwd=project)
    reader.join(timeout=30)
    assert r.code == 0, r.err
    assert got and got[0].startswith(b"{")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a FIFO, not replaced by a file


def test_output_to_dev_null_never_replaces_it(project: Path) -> None:
    before = os.stat("/dev/null")
    r = run_inproc("analyze", "shop.yaml", "-o", "/dev/null", "-q", cwd=project)
    assert (r.code, r.out, r.err) == (0, "", "")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    assert (after.st_mode, after.st_rdev) == (before.st_mode, before.st_rdev)


def test_a_symlink_output_writes_its_target_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    (tmp_path / "link.txt").symlink_to("real.txt")
    write_atomic(tmp_path / "link.txt", "new")
    assert (tmp_path / "link.txt").is_symlink()
    assert real.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]  # no temp left


def test_a_dangling_symlink_output_creates_its_target(tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to("made.txt")
    write_atomic(tmp_path / "link.txt", "new")
    assert (tmp_path / "made.txt").read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "cannot write {p}: it is a folder; give a file to write"),
        (lambda p: p.symlink_to(p.name), "cannot write {p}: Too many levels of symbolic links"),
    ],
)
def test_outputs_that_cannot_be_written(tmp_path: Path, make: object, message: str) -> None:
    target = tmp_path / "out"
    assert callable(make)
    make(target)
    with pytest.raises(UsageError) as info:
        write_atomic(target, "x")
    assert info.value.render() == message.format(p=target)


def test_dash_is_standard_output_everywhere(project: Path) -> None:
    for args in (
        ["check", "shop.yaml", "--format", "json"],
        ["analyze", "shop.yaml", "--format", "json"],
        ["diff", "base.yaml", "shop.yaml"],
        ["schema"],
        ["ingest", "logs/a.csv", "--map", "shop.yaml", "-q"],
    ):
        plain = run_inproc(*args, cwd=project)
        dash = run_inproc(*args, "-o", "-", cwd=project)
        assert (dash.code, dash.out) == (plain.code, plain.out) and dash.out, args
    assert not (project / "-").exists()
    r = run_inproc("discover", "logs/a.csv", "-o", "-", "-q", cwd=project)
    assert r.code == 0 and "\n# DRAFT written by `journeymap discover`" in r.out, r.err


# ------------------------------------------------------------------------ 3. unbounded reads


@pytest.mark.parametrize("option", [[], ["--data"]], ids=["map", "overlay"])
def test_a_fifo_as_map_or_overlay_is_refused_without_reading(
    project: Path, option: list[str]
) -> None:
    os.mkfifo(project / "pipe.yaml")  # opening it would block: nobody writes
    args = ["shop.yaml", *option, "pipe.yaml"] if option else ["pipe.yaml"]
    r = run_inproc("validate", *args, cwd=project)
    assert r.code == 2
    assert (
        "pipe.yaml is a FIFO (named pipe), not a file; give a "
        f"{'overlay' if option else 'map'} file; journeymap reads regular files only"
    ) in r.err
    _no_traceback(r)


def test_a_device_as_map_is_refused_before_reading() -> None:
    with pytest.raises(UsageError) as info:
        load_map("/dev/zero")
    assert str(info.value) == "/dev/zero is a character device, not a file; give a map file"


def test_a_fifo_as_an_event_log_is_refused(project: Path) -> None:
    os.mkfifo(project / "logs" / "c.csv")
    r = run_inproc("ingest", "logs/c.csv", "--map", "shop.yaml", cwd=project)
    assert r.code == 2
    assert r.err.startswith("logs/c.csv is a FIFO (named pipe), not a file; give a log file")


def test_a_large_file_is_refused_by_its_size_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:  # sparse: the size says 64 MiB + 1 without writing it
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(MapError) as info:
        load_map(big)
    assert info.value.render() == f"{big}:1:1: the file is larger than 64 MiB; {TOO_LARGE_HINT}"
    small = tmp_path / "small.bin"
    small.write_bytes(b"abc")
    assert read_bounded(small, "small.bin", "map", limit=3) == b"abc"
    with pytest.raises(MapError, match="larger than"):
        read_bounded(small, "small.bin", "map", limit=2)


# ------------------------------------------------------------ 4. include and revision edges


def test_an_include_that_is_a_symlink_to_itself(project: Path) -> None:
    (project / "part.yaml").unlink()
    (project / "part.yaml").symlink_to("part.yaml")
    with pytest.raises(MapError) as info:
        load_map(project / "shop.yaml")
    assert info.value.render().splitlines()[0] == (
        f"{project / 'shop.yaml'}:4:11: include 'part.yaml' is a symbolic link that loops"
    )


def test_an_include_that_is_a_fifo(project: Path) -> None:
    (project / "part.yaml").unlink()
    os.mkfifo(project / "part.yaml")
    r = run_inproc("validate", "shop.yaml", cwd=project)
    assert r.code == 2
    assert r.err.startswith(
        "shop.yaml:4:11: included file 'part.yaml' is a FIFO (named pipe); "
        "an include is a YAML file"
    )


def test_a_chain_of_a_thousand_includes_is_a_clear_error(tmp_path: Path) -> None:
    for i in range(1000):
        (tmp_path / f"i{i}.yaml").write_text(f"include: [i{i + 1}.yaml]\n", encoding="utf-8")
    (tmp_path / "i1000.yaml").write_text("personas: []\n", encoding="utf-8")
    m = tmp_path / "m.yaml"
    m.write_text(
        "journeymap: 1\nid: m\ntitle: M\ninclude: [i0.yaml]\nstages: []\n", encoding="utf-8"
    )
    r = run_inproc("validate", str(m))
    assert r.code == 2
    deepest = tmp_path / f"i{MAX_INCLUDE_DEPTH - 1}.yaml"
    assert r.err.startswith(
        f"{deepest}:1:11: includes nest deeper than {MAX_INCLUDE_DEPTH} levels; "
        "include the fragments from the map or one level below"
    )
    _no_traceback(r)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_symlinks_outside_the_tree_in_a_revision(tmp_path: Path) -> None:
    """A YAML-named link out of the tree is left out of the revision: the map beside it reads;
    the map itself as such a link is a clear error."""
    repo, outside = tmp_path / "repo", tmp_path / "outside.yaml"
    repo.mkdir()
    whole = MAP.replace("include: [part.yaml]\n", "") + "      - id: paid\n        name: Paid\n"
    outside.write_text(whole + "        goal: true\n", encoding="utf-8")
    (repo / "shop.yaml").write_text(whole + "        goal: true\n", encoding="utf-8")
    (repo / "evil.yaml").symlink_to(outside)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "a map and a link out")
    r = run_inproc("check", "shop.yaml", "--baseline-ref", "HEAD", cwd=repo)
    assert (r.code, r.err) == (0, ""), r.err
    r = run_inproc("diff", "HEAD:shop.yaml", "shop.yaml", cwd=repo)
    assert r.code == 0, r.err
    (repo / "shop.yaml").unlink()
    (repo / "shop.yaml").symlink_to(outside)
    _git(repo, "commit", "-qam", "the map becomes a link out")
    (repo / "shop.yaml").unlink()
    (repo / "shop.yaml").write_text(whole + "        goal: true\n", encoding="utf-8")
    r = run_inproc("check", "shop.yaml", "--baseline-ref", "HEAD", cwd=repo)
    assert (r.code, r.err.strip()) == (
        2,
        "--baseline-ref: HEAD:shop.yaml is a symbolic link that leads outside the repository; "
        "a map read at a revision is a file of that revision",
    )
    r = run_inproc("diff", "HEAD:shop.yaml", "shop.yaml", cwd=repo)
    assert r.code == 2 and "HEAD:shop.yaml is a symbolic link that leads outside" in r.err
    _no_traceback(r)


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["ingest-survey", "pipe.csv", "--map", "shop.yaml"], "survey export"),
        (["import", "paths", "pipe.csv", "--map", "shop.yaml"], "report"),
        (["import", "funnel", "pipe.csv", "--map", "shop.yaml", "--steps", "home,cart"], "report"),
    ],
)
def test_a_fifo_as_an_export_is_refused(project: Path, args: list[str], what: str) -> None:
    os.mkfifo(project / "pipe.csv")
    r = run_inproc(*args, cwd=project)
    assert r.code == 2
    assert r.err.startswith(f"pipe.csv is a FIFO (named pipe), not a file; give a {what} file")


# --------------------------------------------------- 5. validate refuses what check refuses


def test_validate_refuses_an_unknown_lint_code_as_check_does(tmp_path: Path) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(
        "journeymap: 1\nid: x\ntitle: X\nchecks:\n  lint:\n    disable:\n"
        "      - {code: JM299, reason: no}\nstages:\n  - id: s\n    name: S\n"
        "    touchpoints:\n      - {id: a, name: A, entries: 5, next: {b: 1}}\n"
        "      - {id: b, name: B, goal: true}\n",
        encoding="utf-8",
    )
    validate, check = run_inproc("validate", str(m)), run_inproc("check", str(m))
    first = validate.err.splitlines()[:3]
    assert validate.code == check.code == 2
    assert first == check.err.splitlines()[:3]
    assert first[0].startswith(f"{m}:7:16: checks.lint.disable: there is no lint check JM299; ")
    assert first[2] == "      |                ^"


def test_the_segment_overlays_read_to_choose_one_are_inputs_too(project: Path) -> None:
    (project / "shop.yaml").write_text(
        MAP.replace(
            "stages:\n",
            "personas:\n  - id: hunter\n    name: Hunter\n    segment: {tier: premium}\nstages:\n",
            1,
        ),
        encoding="utf-8",
    )
    (project / "segs").mkdir()
    for tier in ("bargain", "premium"):
        (project / "segs" / f"{tier}.yaml").write_text(
            OVERLAY.replace("map: shop\n", f"map: shop\nsegment: {{tier: {tier}}}\n"),
            encoding="utf-8",
        )
    before = (project / "segs" / "bargain.yaml").read_bytes()  # read, not chosen
    r = run_inproc(
        "analyze",
        "shop.yaml",
        "--data",
        "segs",
        "--persona",
        "hunter",
        "-o",
        "segs/bargain.yaml",
        cwd=project,
    )
    assert (r.code, r.err.strip()) == (
        2,
        "refusing to overwrite the input file segs/bargain.yaml; write the output to another file",
    )
    assert (project / "segs" / "bargain.yaml").read_bytes() == before
    loaded = load_map(project / "shop.yaml", data=project / "segs", persona="hunter")
    assert [f.name for f in loaded.files] == [
        "shop.yaml",
        "part.yaml",
        "bargain.yaml",
        "premium.yaml",
    ]
