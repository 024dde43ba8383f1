"""A map at a git revision: the same map (with its includes) and overlay as they were at REF.

The map files of the revision (``*.yaml``, ``*.yml``, ``*.json``) are extracted with ``git
archive`` into a temporary folder laid out like the repository, so includes resolve exactly as
they did at that revision; positions in errors are then shown as ``REF:path``. What cannot be
read at the revision raises :class:`RevisionError`; the CLI names the option that gave the
revision.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from journeymap.errors import Diagnostic, MapError, UsageError
from journeymap.io.loader import LoadedMap, load_map
from journeymap.source import SourceText

__all__ = ["RevisionError", "load_at_revision", "revision_exists"]

SUFFIXES = (".yaml", ".yml", ".json")


class RevisionError(UsageError):
    """A map or overlay cannot be read at the git revision `ref` (exit 2)."""

    def __init__(
        self, message: str, *, ref: str, hint: str | None = None, overlay: str | None = None
    ):
        super().__init__(message, hint=hint)
        self.ref = ref
        self.hint = hint
        self.overlay = overlay
        """The overlay that does not exist at `ref`, when that is the problem."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("git") is None:
        raise UsageError("reading a map at a git revision needs git, which is not installed")
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def _fetch_hint(ref: str) -> str:
    remote, _, branch = ref.partition("/")
    fetch = (
        f"git fetch {remote} {branch}"
        if branch and remote == "origin"
        else f"git fetch origin {ref}"
    )
    return (
        f"fetch it first ({fetch}); in GitHub Actions check out with 'fetch-depth: 0', in "
        "GitLab CI set GIT_DEPTH: 0"
    )


def _folder(path: Path) -> Path:
    folder = Path(os.path.abspath(path)).parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _repo(path: Path, ref: str) -> tuple[Path, str]:
    """The repository's top folder and `path` relative to it (POSIX)."""
    folder = _folder(path)
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise RevisionError(f"{os.fspath(path)} is not inside a git repository", ref=ref)
    root = Path(top.stdout.decode("utf-8").strip())
    rel = Path(os.path.relpath(os.path.realpath(os.path.abspath(path)), os.path.realpath(root)))
    return root, rel.as_posix()


def revision_exists(ref: str, path: str | os.PathLike[str]) -> None:
    """Raise :class:`RevisionError` when `ref` is not a commit in the clone holding `path`."""
    root, _ = _repo(Path(path), ref)
    verify = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if verify.returncode != 0:
        raise RevisionError(
            f"the revision '{ref}' is not in this clone", ref=ref, hint=_fetch_hint(ref)
        )


def load_at_revision(
    ref: str, path: str | os.PathLike[str], *, data: str | os.PathLike[str] | None = None
) -> LoadedMap | None:
    """Load a map (and its overlay) as they were at `ref`; None when the map did not exist.

    A map that existed at `ref` but whose overlay did not is an error
    (:class:`RevisionError` with ``overlay`` set): a comparison would mix the map's own numbers
    with another period's. Errors in the files read show positions as ``REF:path``.
    """
    revision_exists(ref, path)
    root, rel = _repo(Path(path), ref)
    if _git(["cat-file", "-e", f"{ref}:{rel}"], root).returncode != 0:
        return None
    drel = None
    if data is not None:
        _, drel = _repo(Path(data), ref)
        if _git(["cat-file", "-e", f"{ref}:{drel}"], root).returncode != 0:
            raise RevisionError(
                f"the overlay {os.fspath(data)} does not exist at '{ref}'",
                ref=ref,
                overlay=os.fspath(data),
            )
    listing = _git(["ls-tree", "-r", "-z", "--name-only", ref], root)
    wanted = [
        n
        for n in listing.stdout.decode("utf-8", "surrogateescape").split("\0")
        if n.endswith(SUFFIXES)
    ]
    archive = _git(["archive", "--format=tar", ref, "--", *wanted], root)
    if archive.returncode != 0:
        raise RevisionError(
            f"cannot read '{ref}': {archive.stderr.decode('utf-8', 'replace').strip()}", ref=ref
        )
    display = f"{ref}:{os.fspath(path)}"
    with tempfile.TemporaryDirectory(prefix="journeymap-rev-") as tmp:
        skipped: list[str] = []
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter=_inside(skipped))
        (Path(tmp) / ".git").mkdir()  # the include root is the repository's top, as in the clone
        prefix = os.path.join(tmp, "")
        names = {os.path.join(tmp, rel): display}
        if data is not None and drel is not None:
            names[os.path.join(tmp, drel)] = f"{ref}:{os.fspath(data)}"
        for name, what in names.items():
            if os.path.relpath(name, tmp) in skipped:
                raise RevisionError(
                    f"{what} is a symbolic link that leads outside the repository",
                    ref=ref,
                    hint="a map read at a revision is a file of that revision",
                )
        try:
            loaded = load_map(
                os.path.join(tmp, rel), data=os.path.join(tmp, drel) if drel is not None else None
            )
        except MapError as exc:
            raise _renamed(exc, names, prefix, ref) from None
        except UsageError as exc:  # a file of the revision that cannot be read (a link loop)
            raise RevisionError(str(exc).replace(prefix, f"{ref}:"), ref=ref) from None
    loaded.display = display
    loaded.files = []
    return loaded


def _inside(skipped: list[str]) -> Callable[[tarfile.TarInfo, str], tarfile.TarInfo | None]:
    """The ``data`` extraction filter, leaving out (and listing in `skipped`) the members it
    refuses, such as a symbolic link that points outside the tree: an include through one is
    then a missing file with its position, and the map itself a :class:`RevisionError`."""

    def keep(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
        try:
            return tarfile.data_filter(member, dest)
        except tarfile.FilterError:
            skipped.append(member.name)
            return None

    return keep


def _renamed(exc: MapError, names: dict[str, str], prefix: str, ref: str) -> MapError:
    def name(p: str) -> str:
        if p in names:
            return names[p]
        return f"{ref}:{p[len(prefix) :]}" if p.startswith(prefix) else p

    diags = [
        replace(d, position=replace(d.position, path=name(d.position.path)))
        if d.position is not None
        else d
        for d in exc.diagnostics
    ]
    sources = SourceText(
        {name(k): v for k, v in (exc.sources.texts if exc.sources else {}).items()}
    )
    return MapError(diags or [Diagnostic(str(exc))], sources)
