"""The output formats of each command family: one enum each, which the CLI's choices list.

Kept free of heavy imports so that building the command line reads no analysis code.
The overlay formats (YAML, JSON) belong to the files themselves: :class:`journeymap.io.OverlayFormat`.
"""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """Findings (``check``, ``conform``): :func:`journeymap.report.checks.render`."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"
    JUNIT = "junit"
    SARIF = "sarif"


class DiffFormat(StrEnum):
    """The changes between two maps (``diff``)."""

    TEXT = "text"
    MARKDOWN = "markdown"


class ValidateFormat(StrEnum):
    """The result of ``validate``."""

    TEXT = "text"
    JSON = "json"


def choices(enum: type[StrEnum]) -> list[str]:
    """The values of a format enum, in declaration order (for ``click.Choice``).

    >>> choices(DiffFormat)
    ['text', 'markdown']
    """
    return [member.value for member in enum]
