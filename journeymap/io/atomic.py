"""File output: atomic for files, direct for FIFOs and character devices, never onto an input.

* A regular file (or a new one) is written through a temporary file in the same folder, synced,
  then renamed over the target: a failed write never leaves a half-written file.
* A symbolic link is followed: the file it points at is written (atomically, as above) and the
  link stays a link.
* A FIFO or a character device (``/dev/null``, ``/dev/stdout``, a terminal) is opened and
  written directly; a rename would replace the device node with a regular file.
* A folder, a block device or a socket is refused.
* None of the files the command read is ever written: they are compared with the target by
  resolved path and by inode, so a hard link or a symbolic link to an input is refused too.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from journeymap.errors import UsageError
from journeymap.io.files import identity, special_kind


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write `data` to `path` (see the module's docstring for FIFOs, devices and links).

    Raises :class:`UsageError` when `path` is one of `inputs` (the files a command read), a
    folder, a block device or a socket, or its folder does not exist.
    """
    shown = os.fspath(path)
    real = refuse_inputs(path, inputs)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    st = _stat(real, shown)
    if st is not None and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        _write_direct(real, payload, shown)
        return
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else special_kind(st.st_mode)
        raise UsageError(f"cannot write {shown}: it is {kind}", hint="give a file to write")
    _replace(Path(real), payload, shown, None if st is None else st.st_mode)


def refuse_inputs(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]) -> str:
    """Raise :class:`UsageError` when `path` is one of `inputs`, by resolved path or by inode
    (a symbolic or hard link to an input counts); returns the resolved path. Commands call it
    before long work too, so a bad ``-o`` fails at once."""
    real, inode = identity(path)
    for inp in inputs:
        other_real, other_inode = identity(inp)
        if real == other_real or (inode is not None and inode == other_inode):
            raise UsageError(
                f"refusing to overwrite the input file {os.fspath(path)}",
                hint="write the output to another file",
            )
    return real


def _stat(real: str, shown: str) -> os.stat_result | None:
    try:
        return os.stat(real)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"cannot write {shown}: {exc.strerror}") from None


def _write_direct(real: str, payload: bytes, shown: str) -> None:
    """Write into a FIFO or device as it is (no creation, no truncation, no rename)."""
    try:
        fd = os.open(real, os.O_WRONLY)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
    except OSError as exc:
        raise UsageError(f"cannot write {shown}: {exc.strerror}") from None


def _replace(target: Path, payload: bytes, shown: str, mode: int | None) -> None:
    """Temporary file in the target's folder, fsync, then rename over the target."""
    folder = target.parent
    if not folder.is_dir():
        named = folder if os.path.islink(shown) else (os.path.dirname(shown) or ".")
        raise UsageError(f"cannot write {shown}: the folder {named} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode & 0o777)
        else:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
