"""Terminal conventions: colour only on a terminal and never with NO_COLOR; quiet in CI."""

from __future__ import annotations

import os
import sys
from typing import TextIO


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def use_color(stream: TextIO | None = None) -> bool:
    """Colour when writing to a terminal, unless NO_COLOR is set (any value) or TERM is dumb."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def show_progress(quiet: bool = False, stream: TextIO | None = None) -> bool:
    """Progress lines only on an interactive terminal, never in CI or with --quiet."""
    if quiet or in_ci():
        return False
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def style(text: str, color: str, enabled: bool, *, bold: bool = False) -> str:
    if not enabled:
        return text
    codes = {
        "red": "31",
        "green": "32",
        "yellow": "33",
        "blue": "34",
        "magenta": "35",
        "cyan": "36",
        "grey": "90",
    }
    prefix = ("1;" if bold else "") + codes.get(color, "0")
    return f"\033[{prefix}m{text}\033[0m"
