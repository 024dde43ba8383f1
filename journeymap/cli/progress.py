"""The stage line an event-log command shows on a terminal while it reads a large log.

One line on stderr, rewritten in place (``reading 5,000,000 rows ...``, ``journeys and visits
...``, ``counting ...``) with the seconds since the start, and wiped at the end. It appears
only when the work takes longer than :data:`DELAY` (a small log shows nothing), only on an
interactive terminal, and never with ``--quiet``, ``NO_COLOR``/``TERM=dumb`` (it is made of
terminal control codes) or in CI (``console.show_progress``). DuckDB's own progress bar writes
to stdout, where the overlay may go, so it stays off (``events/duck.py``).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from journeymap.cli.console import show_progress, use_color

DELAY = 2.0
"""Seconds of work before the first stage line is shown."""


class StageLine:
    """A callable that shows the current stage (``progress(text)``); :meth:`end` wipes it."""

    def __init__(self, stream: TextIO, delay: float) -> None:
        self._stream, self._start = stream, time.monotonic()
        self._text: str | None = None
        self._shown = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        if delay > 0:
            self._timer = threading.Timer(delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        else:
            self._shown = True

    def __call__(self, text: str) -> None:
        with self._lock:
            self._text = text
            if self._shown:
                self._write()

    def _show(self) -> None:
        with self._lock:
            self._shown = True
            if self._text is not None:
                self._write()

    def _write(self) -> None:
        seconds = int(time.monotonic() - self._start)
        self._stream.write(f"\r\033[K{self._text} ... [{seconds} s]")
        self._stream.flush()

    def end(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._shown and self._text is not None:
                self._stream.write("\r\033[K")
                self._stream.flush()
            self._shown, self._text = False, None


def stage_line(quiet: bool, stream: TextIO | None = None) -> StageLine | None:
    """A stage line on ``stream`` (stderr) after :data:`DELAY`, or None where it stays quiet."""
    out = stream or sys.stderr
    if not show_progress(quiet, out) or not use_color(out):
        return None
    return StageLine(out, DELAY)
