"""What a path is before it is read or written: plain file, folder, FIFO, device; bounded reads.

Every file journeymap reads (maps, includes, overlays, event logs) is checked here first: a
FIFO would block forever and ``/dev/zero`` never ends, so anything but a regular file is refused
before it is opened, and a regular file is read with a bound (``source.MAX_BYTES``), never whole.
:func:`identity` is how a command recognises one of its inputs in an output path: by the
resolved path and by the inode (a hard link has another path, the same inode).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from journeymap.errors import Diagnostic, MapError, UsageError
from journeymap.source import MAX_BYTES, TOO_LARGE_HINT, Position


def special_kind(mode: int) -> str | None:
    """What a file that is neither a regular file nor a folder is ("a FIFO", ...), else None.

    >>> special_kind(stat.S_IFIFO), special_kind(stat.S_IFCHR), special_kind(stat.S_IFREG)
    ('a FIFO (named pipe)', 'a character device', None)
    """
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def require_regular(path: str | os.PathLike[str], display: str, what: str) -> os.stat_result:
    """The ``os.stat`` of a file to read, or :class:`UsageError` when it is missing, a folder, a
    FIFO, a device or a socket, or cannot be reached (a symbolic-link loop)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"no such file: {display}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {display}: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{display} is a folder; give a {what} file")
    kind = special_kind(st.st_mode)
    if kind is not None:
        raise UsageError(
            f"{display} is {kind}, not a file; give a {what} file",
            hint="journeymap reads regular files only (a pipe or device could block or never end)",
        )
    return st


def read_bounded(
    path: str | os.PathLike[str], display: str, what: str, limit: int = MAX_BYTES
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, checked before and while reading."""
    st = require_regular(path, display, what)
    too_large = MapError(
        [
            Diagnostic(
                f"the file is larger than {limit // 2**20} MiB",
                Position(display, 1, 1),
                hint=TOO_LARGE_HINT if limit == MAX_BYTES else None,
            )
        ]
    )
    if st.st_size > limit:
        raise too_large
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {display}: {exc.strerror}") from None
    if len(data) > limit:  # it grew after the check
        raise too_large
    return data


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first `size` bytes of a regular file; empty for anything else or an unreadable file."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b""
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def identity(path: str | os.PathLike[str]) -> tuple[str, tuple[int, int] | None]:
    """The resolved path of a file and its ``(st_dev, st_ino)`` (None when it does not exist)."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        return real, None
    return real, (st.st_dev, st.st_ino)
