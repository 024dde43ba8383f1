"""A check run as Markdown (a pull-request comment): findings, top leaks, the comparison."""

from __future__ import annotations

from journeymap.analysis.comparison import Comparison, Verdict
from journeymap.checks import MapResult, Severity, exit_code
from journeymap.figures import (
    count,
    p_value,
    percent,
)
from journeymap.i18n import ENGLISH, N_, Language, Translator, translator
from journeymap.report.checks_common import (
    _cell,
    _count_line,
    _delta,
    _md_row,
    _money,
    _value,
    _verdict,
)
from journeymap.report.formats import escape_markdown


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
            f"{c['warning']} | {percent(r.summary.get('conversion_probability'), lang=lang)} |"
        )
    out.append("")
    for r in results:
        out += [f"### {escape_markdown(r.title)} (`{_cell(r.display)}`)", ""]
        out += _markdown_findings(r, t)
        out += _markdown_leaks(r, t)
        if r.comparison is not None:
            out += _markdown_comparison(r.comparison, t)
    return "\n".join(out).rstrip("\n") + "\n"


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
        lost = count(lc, lang=lang)
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
                f"{_delta(test, lang)} | {p_value(test.p_adjusted, lang=lang)} | "
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
