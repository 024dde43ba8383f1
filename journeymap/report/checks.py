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

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from journeymap.analysis.comparison import PROPORTIONS as _PROPORTIONS
from journeymap.analysis.comparison import Comparison, Test, Verdict
from journeymap.checks import Finding, MapResult, Severity, exit_code
from journeymap.figures import (
    count,
    number,
    percent,
    points,
    share,
    whole_money,
)
from journeymap.findings import SEVERITY_RANK
from journeymap.i18n import ENGLISH, N_, Language, Translator, translator
from journeymap.i18n.numbers import localised
from journeymap.report.formats import Format, escape_markdown, pad
from journeymap.report.sarif import sarif

__all__ = ["Format", "escape_github_data", "escape_github_property", "render"]


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


# ----------------------------------------------------------------------------- helpers


def _all(results: Iterable[MapResult]) -> list[Finding]:
    return [f for r in results for f in r.findings]


def _count_line(results: list[MapResult], t: Translator | None = None) -> str:
    """ "1 map, 0 errors, 1 warning" (English unless ``t`` says otherwise)."""
    t = t or translator(ENGLISH)
    found = _all(results)
    e = sum(f.severity == Severity.ERROR for f in found)
    w = sum(f.severity == Severity.WARNING for f in found)
    n = len(results)
    return t.gettext("{maps}, {errors}, {warnings}").format(
        maps=t.ngettext("{n} map", "{n} maps", n).format(n=n),
        errors=t.ngettext("{n} error", "{n} errors", e).format(n=e),
        warnings=t.ngettext("{n} warning", "{n} warnings", w).format(n=w),
    )


def _line(f: Finding, t: Translator | None = None) -> str:
    """``path:line:col: CODE severity: message; hint``: the prefix stays as it is in every
    language (editors and CI parse it), the message and hint are written in the language of
    ``t``."""
    if t is None or t.lang == ENGLISH:
        return f"{f}; {f.hint}" if f.hint else str(f)
    hint = f.hint_in(t)
    where = f"{f.position}: " if f.position else ""
    return f"{where}{f.code} {f.severity.value}: {f.message_in(t)}" + (f"; {hint}" if hint else "")


def _pct(v: float | None, lang: Language = ENGLISH) -> str:
    return "n/a" if v is None else percent(v, lang=lang)


def _value(t: Test, v: float | None, lang: Language = ENGLISH) -> str:
    """A compared figure as the check table and Markdown show it, in ``lang``'s separators
    (English: ``4.8%``; Russian: ``4,8 %``), through :mod:`journeymap.figures`."""
    if v is None:
        return "n/a"
    if t.metric in _PROPORTIONS:
        return percent(v, lang=lang)
    return share(v, lang=lang) if t.metric == "csat" else number(v, lang=lang)


def _delta(t: Test, lang: Language = ENGLISH) -> str:
    """The change of a compared figure: percentage points for proportions and CSAT."""
    d = t.delta
    if d is None:
        return "n/a"
    if t.metric in _PROPORTIONS:
        return points(d, lang=lang)
    if t.metric == "csat":  # CSAT is already on 0-100: its change is in points as it stands
        return points(d, scale=1, lang=lang)
    return number(d, sign=True, lang=lang)


def _p(v: float | None, lang: Language = ENGLISH) -> str:
    return "n/a" if v is None else localised(f"{v:.3g}", lang)


def _money(v: float | None, currency: str | None, lang: Language = ENGLISH) -> str:
    return "n/a" if v is None else whole_money(v, currency, lang=lang)


_COLORS = {"error": "31", "warning": "33", "ok": "32", "dim": "90"}


def _style(s: str, color: str, enabled: bool) -> str:
    return f"\033[{_COLORS[color]}m{s}\033[0m" if enabled else s


# -------------------------------------------------------------------------------- text


def _first(results: Iterable[MapResult], limit: int | None) -> tuple[list[Finding], dict[str, int]]:
    """The findings to show (at most `limit` per code) and how many of each code are left out."""
    shown: list[Finding] = []
    seen: dict[str, int] = {}
    for f in _all(results):
        seen[f.code] = seen.get(f.code, 0) + 1
        if limit is None or seen[f.code] <= limit:
            shown.append(f)
    left_out = {
        code: n - limit for code, n in sorted(seen.items()) if limit is not None and n > limit
    }
    return shown, left_out


def text(
    results: list[MapResult],
    *,
    fail_on: Severity = Severity.ERROR,
    color: bool = False,
    tool: str = "journeymap check",
    limit: int | None = None,
    lang: Language = ENGLISH,
) -> str:
    """``path:line:col: JM101 error: message`` per finding, comparisons, a closing count."""
    t = translator(lang)
    out: list[str] = []
    shown, left_out = _first(results, limit)
    for f in sorted(shown):
        line = _line(f, t)
        out.append(_style(line, f.severity.value, color) if color else line)
    out += [
        _style(
            t.ngettext(
                "... {n} more {code} finding not shown", "... {n} more {code} findings not shown", n
            ).format(n=n, code=code),
            "dim",
            color,
        )
        for code, n in left_out.items()
    ]
    for r in results:
        if r.comparison is not None:
            out += ["", *_text_comparison(r, r.comparison, t)]
    failed = bool(exit_code(results, fail_on))
    closing = _verdict(t, failed).format(tool=tool, counts=_count_line(results, t))
    if out:
        out.append("")
    out.append(_style(closing, "error" if failed else "ok", color))
    return "\n".join(out) + "\n"


def _verdict(t: Translator, failed: bool) -> str:
    """ "{tool} failed: {counts}" or "{tool} passed: {counts}" in the language of ``t``."""
    return t.gettext("{tool} failed: {counts}") if failed else t.gettext("{tool} passed: {counts}")


def _text_comparison(r: MapResult, c: Comparison, t: Translator) -> list[str]:
    counts = c.verdicts()
    no_period = t.gettext("no period")
    head = (
        t.gettext("{map} against {baseline} ({before} -> {now})").format(
            map=r.display,
            baseline=c.baseline,
            before=c.baseline_period or no_period,
            now=c.current_period or no_period,
        )
        + ": "
        + ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    )
    return [head.rstrip(": "), *_comparison_lines(c, t)]


def _comparison_lines(c: Comparison, tr: Translator | None = None) -> list[str]:
    """One fixed-width line per test (verdicts, metrics and ``p_adj`` as in the JSON: they are
    names), then the structural changes and the notes."""
    tr = tr or translator(ENGLISH)
    overall = tr.gettext("(overall)")
    lang = tr.lang
    lines = []
    for t in c.tests:
        where = t.subject if t.subject != "map" else overall
        lines.append(
            f"  {t.verdict.value:<18} {t.metric:<10} {pad(where, 24)} "
            f"{_value(t, t.before, lang):>8} -> {_value(t, t.after, lang):<8} "
            f"{_delta(t, lang):>10}  p_adj {_p(t.p_adjusted, lang)}  n {t.n_before}/{t.n_after} "
            f"{t.grain}"
        )
    for ch in c.changes:
        lines.append(f"  {ch.kind:<18} {ch.detail_in(tr)}")
    note = tr.gettext("note: {note}")
    lines += ["  " + note.format(note=n) for n in c.notes_in(tr)]
    return lines


# -------------------------------------------------------------------------------- JSON


def to_json(
    results: list[MapResult], *, fail_on: Severity = Severity.ERROR, tool: str = "journeymap check"
) -> str:
    """A stable JSON document (``journeymap-check: 1``)."""
    doc = {
        "journeymap-check": 1,
        "fail_on": fail_on.value,
        "exit_code": int(exit_code(results, fail_on)),
        "summary": {
            "maps": len(results),
            "errors": sum(r.counts()["error"] for r in results),
            "warnings": sum(r.counts()["warning"] for r in results),
        },
        "maps": [
            {
                "path": r.display,
                "id": r.map_id,
                "title": r.title,
                "period": r.period,
                "errors": r.counts()["error"],
                "warnings": r.counts()["warning"],
                "findings": [f.as_dict() for f in r.findings],
                "figures": r.summary,
                "comparison": r.comparison.as_dict() if r.comparison is not None else None,
            }
            for r in results
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"


# ---------------------------------------------------------------------------- Markdown


def _cell(s: object) -> str:
    """Text inside a code span of a table cell (a path): backslash escapes do not work there,
    so only what would end the cell or the line is replaced. Other user text goes through
    :func:`~journeymap.report.formats.escape_markdown`."""
    return str(s).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown(
    results: list[MapResult],
    *,
    fail_on: Severity = Severity.ERROR,
    tool: str = "journeymap check",
    lang: Language = ENGLISH,
) -> str:
    """A PR comment: a short verdict, findings, top leaks, regressions and what changed."""
    t = translator(lang)
    failed = bool(exit_code(results, fail_on))
    mark = "❌" if failed else "✅"
    out = [f"## {mark} " + _verdict(t, failed).format(tool=tool, counts=_count_line(results, t))]
    out.append("")
    head = [t.gettext("Map"), t.gettext("Period"), t.gettext("Errors"), t.gettext("Warnings")]
    out += [_md_row([*head, t.gettext("Conversion")]), "|---|---|---:|---:|---:|"]
    for r in results:
        c = r.counts()
        out.append(
            f"| {escape_markdown(r.display)} | {escape_markdown(r.period or '')} | {c['error']} | "
            f"{c['warning']} | {_pct(r.summary.get('conversion_probability'), lang)} |"
        )
    out.append("")
    for r in results:
        out += [f"### {escape_markdown(r.title)} (`{_cell(r.display)}`)", ""]
        out += _markdown_findings(r, t)
        out += _markdown_leaks(r, t)
        if r.comparison is not None:
            out += _markdown_comparison(r.comparison, t)
    return "\n".join(out).rstrip("\n") + "\n"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


_SEVERITY_WORDS = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning")}


def _markdown_findings(r: MapResult, t: Translator) -> list[str]:
    findings = sorted(r.findings, key=lambda f: (-f.rank, f.sort_key()))
    if not findings:
        return [t.gettext("No findings."), ""]
    head = [t.gettext("Severity"), t.gettext("Code"), t.gettext("Where"), t.gettext("Finding")]
    out = [_md_row(head), "|---|---|---|---|"]
    for f in findings:
        where = f"`{f.position}`" if f.position else ""
        hint = f.hint_in(t)
        msg = f.message_in(t) + (f" ({hint})" if hint else "")
        severity = t.gettext(_SEVERITY_WORDS[f.severity])
        out.append(f"| {severity} | {f.code} | {_cell(where)} | {escape_markdown(msg)} |")
    return [*out, ""]


def _markdown_leaks(r: MapResult, t: Translator) -> list[str]:
    leaks = r.summary.get("leaks") or []
    if not leaks:
        return []
    cur = r.summary.get("currency")
    head = ["#", t.gettext("Touchpoint"), t.gettext("Exits"), t.gettext("Lost conversions")]
    out = [
        "**" + t.gettext("Top leaks") + "**",
        "",
        _md_row([*head, t.gettext("Lost value")]),
        "|---:|---|---:|---:|---:|",
    ]
    lang = t.lang
    for leak in leaks:
        lc = leak.get("lost_conversions")
        exits = count(leak.get("exits", 0), lang=lang)
        lost = "n/a" if lc is None else localised(f"{lc:,.1f}", lang)
        out.append(
            f"| {leak.get('rank')} | {escape_markdown(leak.get('touchpoint'))} | "
            f"{exits} | {lost} | {_money(leak.get('lost_value'), cur, lang)} |"
        )
    return [*out, ""]


def _markdown_comparison(c: Comparison, t: Translator | None = None) -> list[str]:
    t = t or translator(ENGLISH)
    counts = ", ".join(f"{n} {v}" for v, n in c.verdicts().items() if n) or t.gettext(
        "nothing compared"
    )
    no_period = t.gettext("no period")
    lang = t.lang
    out = [
        "**" + t.gettext("Against the baseline") + f"** {escape_markdown(c.baseline)} "
        f"({escape_markdown(c.baseline_period or no_period)} → "
        f"{escape_markdown(c.current_period or no_period)}): "
        f"{counts}",
        "",
    ]
    if c.tests:
        head = [t.gettext("Verdict"), t.gettext("Metric"), t.gettext("Touchpoint")]
        head += [t.gettext("Before"), t.gettext("Now"), t.gettext("Change")]
        out += [
            _md_row([*head, t.gettext("Adjusted p"), t.gettext("n (before/now)")]),
            "|---|---|---|---:|---:|---:|---:|---:|",
        ]
        rank = {Verdict.REGRESSION: 0, Verdict.WARN: 1, Verdict.INSUFFICIENT_DATA: 2, Verdict.OK: 3}
        for test in sorted(c.tests, key=lambda x: rank[x.verdict]):
            where = test.subject if test.subject != "map" else t.gettext("(overall)")
            out.append(
                f"| {test.verdict.value} | {test.metric} | {escape_markdown(where)} | "
                f"{_value(test, test.before, lang)} | {_value(test, test.after, lang)} | "
                f"{_delta(test, lang)} | {_p(test.p_adjusted, lang)} | "
                f"{count(test.n_before, lang=lang)}/{count(test.n_after, lang=lang)} "
                f"{test.grain} |"
            )
        out.append("")
    if c.changes:
        out += ["**" + t.gettext("What changed") + "**", ""]
        out += [f"- {ch.kind}: {escape_markdown(ch.detail_in(t))}" for ch in c.changes]
        out.append("")
    out += [f"> {escape_markdown(n)}" for n in c.notes_in(t)]
    if c.notes:
        out.append("")
    return out


# ------------------------------------------------------------------------------ GitHub


def escape_github_data(s: str) -> str:
    """Escape a workflow-command message: ``%``, carriage return, newline.

    >>> escape_github_data("50%\\nmore")
    '50%25%0Amore'
    """
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_github_property(s: str) -> str:
    """Escape a workflow-command property value: also ``:`` and ``,``.

    >>> escape_github_property("a:b,c")
    'a%3Ab%2Cc'
    """
    return escape_github_data(s).replace(":", "%3A").replace(",", "%2C")


def github(
    results: list[MapResult], *, fail_on: Severity = Severity.ERROR, tool: str = "journeymap check"
) -> str:
    """GitHub Actions workflow commands, most severe first (GitHub shows only ten of each)."""
    out = []
    for f in sorted(_all(results), key=lambda f: (-f.rank, f.sort_key())):
        props = []
        if f.position is not None:
            props += [
                f"file={escape_github_property(f.position.path)}",
                f"line={f.position.line}",
                f"col={f.position.col}",
            ]
        props.append(f"title={escape_github_property(f'{f.code} {f.name}')}")
        msg = f.message + (f"; {f.hint}" if f.hint else "")
        out.append(f"::{f.severity.value} {','.join(props)}::{escape_github_data(msg)}")
    out.append(f"{tool}: {_count_line(results)}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------- JUnit


def junit(
    results: list[MapResult], *, fail_on: Severity = Severity.ERROR, tool: str = "journeymap check"
) -> str:
    """JUnit XML: one test suite per map, one test case per check and subject.

    A case fails when it has a finding at or above ``fail_on``; findings below it are written
    to the case's ``system-out``; lint disabled with a reason is ``skipped``.
    """
    threshold = SEVERITY_RANK[fail_on]
    root = ET.Element("testsuites", {"name": tool})
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for r in results:
        suite = ET.SubElement(root, "testsuite", {"name": r.display})
        cases: dict[tuple[str, str], dict[str, Any]] = {}
        for ev in r.evaluated:
            key = (ev.check.code, ev.outcome.subject)
            case = cases.setdefault(
                key,
                {
                    "name": f"{ev.check.code} {ev.check.name}",
                    "subject": ev.outcome.subject,
                    "findings": [],
                    "skipped": None,
                },
            )
            if ev.finding is not None:
                case["findings"].append(ev.finding)
            if ev.skipped is not None and ev.outcome.message is not None:
                case["skipped"] = ev.skipped
        covered = {id(f) for case in cases.values() for f in case["findings"]}
        for f in r.findings:  # load warnings, and findings of results built by hand
            if id(f) not in covered:
                case = cases.setdefault(
                    (f.code, f.subject),
                    {
                        "name": f"{f.code} {f.name}",
                        "subject": f.subject,
                        "findings": [],
                        "skipped": None,
                    },
                )
                case["findings"].append(f)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for case in cases.values():
            el = ET.SubElement(
                suite,
                "testcase",
                {
                    "classname": f"{r.map_id}.{case['name']}",
                    "name": case["subject"],
                    "file": r.display,
                },
            )
            counts["tests"] += 1
            failing = [f for f in case["findings"] if f.rank >= threshold]
            other = [f for f in case["findings"] if f.rank < threshold]
            if failing:
                counts["failures"] += 1
                first = failing[0]
                if first.position is not None:
                    el.set("line", str(first.position.line))
                fe = ET.SubElement(el, "failure", {"type": first.code, "message": first.message})
                fe.text = "\n".join(_line(f) for f in failing)
            elif case["skipped"] is not None and not case["findings"]:
                counts["skipped"] += 1
                ET.SubElement(el, "skipped", {"message": f"disabled: {case['skipped']}"})
            if other:
                so = ET.SubElement(el, "system-out")
                so.text = "\n".join(_line(f) for f in other)
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("errors", "0")
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -------------------------------------------------------------------------------- diff


def diff_text(c: Comparison, old: str, new: str, *, lang: Language = ENGLISH) -> str:
    """``journeymap diff`` as plain text: what changed, then the numbers side by side."""
    t = translator(lang)
    note = t.gettext("note: {note}")
    out = [f"{old} -> {new}"]
    if c.changes:
        out += ["", t.gettext("structure:")] + [
            f"  {ch.kind:<19} {ch.detail_in(t)}" for ch in c.changes
        ]
    else:
        out += ["", t.gettext("structure: no changes")]
    if c.tests:
        out += ["", t.gettext("numbers:"), *_comparison_lines(c, t)]
    if c.notes and not c.tests:
        out += [note.format(note=n) for n in c.notes_in(t)]
    if c.overlap:
        out += ["", note.format(note=c.overlap_in(t))]
    return "\n".join(out) + "\n"


def diff_markdown(c: Comparison, old: str, new: str, *, lang: Language = ENGLISH) -> str:
    """``journeymap diff`` as Markdown (for a PR comment)."""
    t = translator(lang)
    head = t.gettext("Changes from {old} to {new}").format(
        old=f"`{_cell(old)}`", new=f"`{_cell(new)}`"
    )
    out = [f"## {head}", ""]
    if not c.changes:
        out += [t.gettext("No structural changes."), ""]
    out += _markdown_comparison(c, t)
    if c.overlap:
        out += [f"> {escape_markdown(c.overlap_in(t) or c.overlap)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
