"""Baselines: the same map (and overlay) at a git revision, read with ``git show REV:./path``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from journeymap.errors import UsageError
from journeymap.io import LoadedMap, load_map

__all__ = ["git_show", "load_at_revision"]


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("git") is None:
        raise UsageError("--baseline-ref needs git, which is not installed")
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def _fetch_hint(ref: str) -> str:
    remote, _, branch = ref.partition("/")
    fetch = f"git fetch {remote} {branch}" if branch and remote == "origin" else f"git fetch origin {ref}"
    return (f"fetch it first ({fetch}); in GitHub Actions check out with 'fetch-depth: 0', in "
            "GitLab CI set GIT_DEPTH: 0")


def git_show(ref: str, path: str | os.PathLike[str]) -> bytes | None:
    """The bytes of `path` at revision `ref`, or None when the file did not exist there.

    Raises :class:`UsageError` when `ref` is not a revision of the repository (for example a
    branch that a shallow clone did not fetch) or `path` is not inside a git repository.
    """
    file = Path(os.path.abspath(path))
    folder = file.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    rel = Path(os.path.relpath(file, folder)).as_posix()
    inside = _git(["rev-parse", "--is-inside-work-tree"], folder)
    if inside.returncode != 0:
        raise UsageError(f"--baseline-ref: {os.fspath(path)} is not inside a git repository")
    verify = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], folder)
    if verify.returncode != 0:
        raise UsageError(f"--baseline-ref: the revision '{ref}' is not in this clone",
                         hint=_fetch_hint(ref))
    shown = _git(["show", f"{ref}:./{rel}"], folder)
    if shown.returncode != 0:
        return None
    return shown.stdout


def load_at_revision(ref: str, path: str | os.PathLike[str], *,
                     data: str | os.PathLike[str] | None = None) -> LoadedMap | None:
    """Load a map (and its overlay) as they were at `ref`; None when the map did not exist.

    A map that existed at `ref` but whose overlay did not is an error: the comparison would
    mix the map's own numbers with another period's.
    """
    text = git_show(ref, path)
    if text is None:
        return None
    display = f"{ref}:{os.fspath(path)}"
    loaded = load_map(display, text=text)
    if data is not None:
        from journeymap.io import load_overlay

        otext = git_show(ref, data)
        if otext is None:
            raise UsageError(f"--baseline-ref: the overlay {os.fspath(data)} does not exist at "
                             f"'{ref}'", hint="give the baseline explicitly with --baseline and "
                             "--baseline-data")
        overlay, raw, odisplay = load_overlay(f"{ref}:{os.fspath(data)}", text=otext,
                                              sources=loaded.sources)
        loaded = _with_overlay(loaded, overlay, raw, odisplay)
    return loaded


def _with_overlay(loaded: LoadedMap, overlay: object, raw: object, display: str) -> LoadedMap:
    from journeymap.errors import Diagnostic, MapError
    from journeymap.model import Overlay

    assert isinstance(overlay, Overlay)
    if overlay.map != loaded.map.id:
        raise MapError([Diagnostic(f"this overlay is for map '{overlay.map}', not "
                                   f"'{loaded.map.id}'", None)], loaded.sources)
    known = set(loaded.map.touchpoints)
    unknown = sorted(set(overlay.touchpoints) - known)
    if unknown:
        raise MapError([Diagnostic(f"the baseline overlay {display} names touchpoints the "
                                   f"baseline map does not have: {', '.join(unknown)}", None)],
                       loaded.sources)
    loaded.overlay, loaded.overlay_display = overlay, display
    loaded.overlay_raw = raw  # type: ignore[assignment]
    return loaded
