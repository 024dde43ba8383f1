"""Ctrl-C and SIGTERM stop a command at once, clean up, and exit 130 or 143 with a message.

Python runs a signal handler in the main thread between bytecodes, so while DuckDB runs a long
query (in C, for minutes) Ctrl-C waited for it and SIGTERM killed the process with its
``/tmp/journeymap-duckdb-*`` spill folder left behind. :func:`interruptible` (around every
command, in ``cli.main``) has the C-level handler write the signal number to a socket
(``signal.set_wakeup_fd``), which a watcher thread reads at once to interrupt the running
queries (``events.duck.interrupt_queries``); the Python handler raises :class:`Interrupted`,
so every ``finally`` (engine close, temporary folders, atomic writes) runs before the exit.
The exit codes are the shell's: 128 + the signal number (SIGINT 2 -> 130, SIGTERM 15 -> 143).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A signal asked the command to stop (a BaseException: no ``except Exception`` keeps it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    @property
    def message(self) -> str:
        name = signal.Signals(self.signum).name
        return f"interrupted by {name}: stopped; temporary files removed, no output written"


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _watch(reader: socket.socket, received: list[int]) -> None:
    while True:
        try:
            data = reader.recv(16)
        except OSError:
            return
        if not data:
            return
        ours = [b for b in data if b in SIGNALS]  # not SIGCHLD, SIGWINCH...
        if not ours:
            continue
        received.append(ours[0])
        duck = sys.modules.get("journeymap.events.duck")  # no engine without the module
        if duck is not None:
            duck.interrupt_queries()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Run the block with Ctrl-C and SIGTERM raising :class:`Interrupted` and interrupting
    DuckDB at once (main thread only; elsewhere the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    old_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    # a signal ignored at start (a background job's SIGINT, nohup) stays ignored
    old = {s: signal.signal(s, _raise) for s in SIGNALS if signal.getsignal(s) != signal.SIG_IGN}
    received: list[int] = []
    watcher = threading.Thread(
        target=_watch, args=(reader, received), daemon=True, name="jm-signals"
    )
    watcher.start()
    try:
        yield
    except Interrupted:
        raise
    except BaseException:
        # the interrupted query's own error (DuckDB's "Query interrupted") may reach here
        # before the Python handler runs: the signal is the cause
        if received:
            raise Interrupted(received[0]) from None
        raise
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        signal.set_wakeup_fd(old_fd)
        writer.close()
        watcher.join(timeout=1)
        reader.close()
