"""Running graphviz's ``dot`` on DOT text: bounded in time, its failures as one message.

:func:`run_dot` is the one place ``dot`` is run (the graph view, :mod:`journeymap.render.dot`);
it goes through :mod:`subprocess` directly so that a layout that would run for minutes is
stopped (:func:`dot_timeout`) and a crash of ``dot`` (a signal) is an error, not a traceback.
"""

from __future__ import annotations

import math

from journeymap.figures import integer

DOT_TIMEOUT = 60.0
"""Seconds ``dot`` may take to lay out a graph before it is stopped (``JOURNEYMAP_DOT_TIMEOUT``
overrides it). A 300-touchpoint map takes a few seconds; a minute means a layout that would
not finish in useful time, and an error says so instead of a hang."""
TIMEOUT_VARIABLE = "JOURNEYMAP_DOT_TIMEOUT"


def dot_timeout() -> float:
    """The ``dot`` time limit in seconds: ``JOURNEYMAP_DOT_TIMEOUT`` when set, else 60.

    >>> import os; os.environ.pop(TIMEOUT_VARIABLE, None) and None; dot_timeout()
    60.0
    """
    import os

    from journeymap.errors import UsageError

    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DOT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise UsageError(
            f"{TIMEOUT_VARIABLE} must be a positive number of seconds, got '{raw[:40]}'",
            hint=f"unset it for the default of {DOT_TIMEOUT:g} s",
        )
    return value


def run_dot(source: str, fmt: str) -> bytes:
    """Lay out DOT text with graphviz's ``dot``, stopped after :func:`dot_timeout` seconds.

    A layout that does not finish in time, and a ``dot`` that fails (an exit code or a crash),
    raise a :class:`journeymap.errors.UsageError` that says so; nothing is written."""
    import shutil
    import signal
    import subprocess

    from journeymap.errors import UsageError

    exe = shutil.which("dot")
    if exe is None:
        raise UsageError(
            "graphviz's 'dot' program is not installed",
            hint="install graphviz (Debian: apt-get install graphviz)",
        )
    limit = dot_timeout()
    renderer = ":cairo" if fmt in ("png", "pdf") else ""
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}{renderer}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"graphviz's 'dot' did not finish the layout within {limit:g} s "
            f"({_size(source)}); it was stopped",
            hint=f"set {TIMEOUT_VARIABLE} to more seconds, or write the .dot text and lay it out "
            "yourself; the canvas and Mermaid views draw large maps quickly",
        ) from None
    if done.returncode != 0:
        code = done.returncode
        why = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with {code}"
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"graphviz's 'dot' {why} while laying out the graph ({_size(source)})"
            + (f": {said[0][:200]}" if said else ""),
            hint="write the .dot text to see what was given to it; please report the map",
        )
    data = done.stdout
    if fmt == "pdf":
        data = strip_pdf_dates(data)
    return data


def _size(source: str) -> str:
    r"""How big a DOT text is, for messages: its touchpoints and transitions.

    >>> _size("  t0 [label=<x>];\n  t1 [label=<y>];\n  t0:m -> t1:m [weight=2];\n")
    '2 touchpoints, 1 transition'
    """
    import re

    nodes = len(re.findall(r"^\s+t\d+ \[", source, flags=re.MULTILINE))
    edges = len(re.findall(r"^\s+t\d+:m -> t\d+:m \[(?!style=invis)", source, flags=re.MULTILINE))
    return f"{integer(nodes)} touchpoint{'s' * (nodes != 1)}, {integer(edges)} transition{'s' * (edges != 1)}"


def strip_pdf_dates(data: bytes) -> bytes:
    """Blank the creation date cairo writes into a PDF, keeping every byte offset valid."""
    import re

    def blank(m: re.Match[bytes]) -> bytes:
        return m.group(1) + b"(" + b" " * (len(m.group(2))) + b")"

    return re.sub(rb"(/CreationDate\s*)\(([^)]*)\)", blank, data)
