"""A check run as terminal text (colours optional) and the comparison as text lines."""

from __future__ import annotations

from collections.abc import Iterable

from journeymap.analysis.comparison import Comparison
from journeymap.checks import Finding, MapResult, Severity, exit_code
from journeymap.figures import p_value
from journeymap.i18n import ENGLISH, Language, Translator, translator
from journeymap.report.checks_common import _all, _count_line, _delta, _line, _value, _verdict
from journeymap.report.formats import pad

_COLORS = {"error": "31", "warning": "33", "ok": "32", "dim": "90"}


def _style(s: str, color: str, enabled: bool) -> str:
    return f"\033[{_COLORS[color]}m{s}\033[0m" if enabled else s


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
            f"{_delta(t, lang):>10}  p_adj {p_value(t.p_adjusted, lang=lang)}  n {t.n_before}/{t.n_after} "
            f"{t.grain}"
        )
    for ch in c.changes:
        lines.append(f"  {ch.kind:<18} {ch.detail_in(tr)}")
    note = tr.gettext("note: {note}")
    lines += ["  " + note.format(note=n) for n in c.notes_in(tr)]
    return lines


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
