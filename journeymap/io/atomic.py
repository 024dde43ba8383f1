"""Atomic file output: a failed write never leaves a half-written file or touches an input."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from journeymap.errors import UsageError


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *,
                 inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    Refuses to overwrite any of `inputs` (the files a command read).
    """
    target = Path(path)
    for inp in inputs:
        try:
            if target.exists() and target.resolve() == Path(inp).resolve():
                raise UsageError(f"refusing to overwrite the input file {os.fspath(path)}",
                                 hint="write the output to another file")
        except OSError:
            continue
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"cannot write {os.fspath(path)}: the folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
