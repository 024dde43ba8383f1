"""The machine formats of a check run: JSON, GitHub annotations and JUnit XML (English)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from journeymap.checks import MapResult, Severity, exit_code
from journeymap.findings import SEVERITY_RANK, Finding
from journeymap.report.checks_common import _all, _count_line, _line


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


@dataclass
class _Case:
    """One JUnit test case: a check on one subject, its findings, and why it was skipped."""

    name: str
    subject: str
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None
    """The reason the check was disabled (lint turned off with a reason)."""


def _cases(r: MapResult) -> list[_Case]:
    """The test cases of one map: one per check and subject evaluated, then one per finding no
    evaluation holds (load warnings, findings of results built by hand)."""
    cases: dict[tuple[str, str], _Case] = {}
    for ev in r.evaluated:
        key = (ev.check.code, ev.outcome.subject)
        case = cases.setdefault(key, _Case(f"{ev.check.code} {ev.check.name}", ev.outcome.subject))
        if ev.finding is not None:
            case.findings.append(ev.finding)
        if ev.skipped is not None and ev.outcome.message is not None:
            case.skipped = ev.skipped
    covered = {id(f) for case in cases.values() for f in case.findings}
    for f in r.findings:
        if id(f) not in covered:
            case = cases.setdefault((f.code, f.subject), _Case(f"{f.code} {f.name}", f.subject))
            case.findings.append(f)
    return list(cases.values())


def _suite(root: ET.Element, r: MapResult, threshold: int) -> dict[str, int]:
    """The test suite of one map: a case fails with a finding at or above ``threshold``, is
    skipped when its check was disabled, and lists the findings below in ``system-out``;
    returns its counts."""
    suite = ET.SubElement(root, "testsuite", {"name": r.display})
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for case in _cases(r):
        el = ET.SubElement(
            suite,
            "testcase",
            {"classname": f"{r.map_id}.{case.name}", "name": case.subject, "file": r.display},
        )
        counts["tests"] += 1
        failing = [f for f in case.findings if f.rank >= threshold]
        other = [f for f in case.findings if f.rank < threshold]
        if failing:
            counts["failures"] += 1
            first = failing[0]
            if first.position is not None:
                el.set("line", str(first.position.line))
            fe = ET.SubElement(el, "failure", {"type": first.code, "message": first.message})
            fe.text = "\n".join(_line(f) for f in failing)
        elif case.skipped is not None and not case.findings:
            counts["skipped"] += 1
            ET.SubElement(el, "skipped", {"message": f"disabled: {case.skipped}"})
        if other:
            so = ET.SubElement(el, "system-out")
            so.text = "\n".join(_line(f) for f in other)
    for k, v in counts.items():
        suite.set(k, str(v))
    suite.set("errors", "0")
    return counts


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
        for k, v in _suite(root, r, threshold).items():
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
