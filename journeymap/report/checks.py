"""Check results to text: pure functions, one per format, picked by :class:`Format`.

Every renderer takes the list of :class:`~journeymap.checks.MapResult` of one run and returns
a string; the same input gives the same bytes (stable order, no timestamps).

>>> from journeymap.findings import Finding, Severity
>>> from journeymap.checks.runner import MapResult
>>> from journeymap.source import Position
>>> r = MapResult("m.yaml", "m", "M", "2026-Q3")
>>> r.findings.append(Finding("JM201", "lint.unreachable", Severity.WARNING,
...                           "'x' cannot be reached", Position("m.yaml", 9, 9)))
>>> print(render([r], Format.GITHUB), end="")
::warning file=m.yaml,line=9,col=9,title=JM201 lint.unreachable::'x' cannot be reached
journeymap check: 1 map, 0 errors, 1 warning
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from journeymap.checks import MapResult, Severity
from journeymap.i18n import ENGLISH, Language
from journeymap.report.checks_ci import (
    escape_github_data,
    escape_github_property,
    github,
    junit,
    to_json,
)
from journeymap.report.checks_markdown import diff_markdown, markdown
from journeymap.report.checks_text import diff_text, text
from journeymap.report.formats import Format
from journeymap.report.sarif import sarif


def render(
    results: list[MapResult],
    fmt: Format | str,
    *,
    fail_on: Severity = Severity.ERROR,
    color: bool = False,
    tool: str = "journeymap check",
    limit: int | None = None,
    rules: Mapping[str, tuple[str, str]] | None = None,
    lang: Language = ENGLISH,
) -> str:
    """Render the findings of one run (``journeymap check`` or ``journeymap conform``) in a format.

    ``tool`` names the run in closing lines and report titles; ``limit`` keeps the text output
    to that many findings per code (the first of each result's list, where producers put the
    most important first); ``rules`` describes codes that are not registered checks
    (``{code: (name, summary)}``, for SARIF); ``lang`` is the language of the text and Markdown
    formats (JSON, SARIF, JUnit and GitHub annotations stay English).
    """
    fmt = Format(fmt)
    if fmt == Format.TEXT:
        return text(results, fail_on=fail_on, color=color, tool=tool, limit=limit, lang=lang)
    if fmt == Format.SARIF:
        return sarif(results, extra_rules=rules)
    if fmt == Format.MARKDOWN:
        return markdown(results, fail_on=fail_on, tool=tool, lang=lang)
    renderer: dict[Format, Callable[..., str]] = {
        Format.JSON: to_json,
        Format.GITHUB: github,
        Format.JUNIT: junit,
    }
    return renderer[fmt](results, fail_on=fail_on, tool=tool)


__all__ = [
    "Format",
    "diff_markdown",
    "diff_text",
    "escape_github_data",
    "escape_github_property",
    "github",
    "junit",
    "markdown",
    "render",
    "text",
    "to_json",
]
