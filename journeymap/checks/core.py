"""Findings, outcomes and the check registry.

A *check* is a small registered unit: a code (``JM101``), a dotted name (``limit.conversion``),
a default severity, a kind (``limit``, ``lint`` or ``regression``) and a docstring that teaches
it with a failing and a passing YAML example (``docs/checks.md`` is generated from them).

A check function takes a :class:`~journeymap.checks.context.Context` and yields one
:class:`Outcome` per *subject* it looked at (the map, a touchpoint, a stage): passed, or failed
with a message and the position of the YAML that declared the limit or the touchpoint. The
runner turns failed outcomes into :class:`~journeymap.findings.Finding` values (defined in
:mod:`journeymap.findings`, shared with ``conform``), which compare and sort by position
(the example is there).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from journeymap.checks.context import Context
from journeymap.findings import SEVERITY_RANK, Finding, Severity, Text, codes
from journeymap.source import Position

__all__ = [
    "REGISTRY",
    "SEVERITY_RANK",
    "Check",
    "Finding",
    "Kind",
    "Outcome",
    "Severity",
    "codes",
    "register",
]

Kind = Literal["limit", "lint", "regression", "load", "analysis"]


@dataclass(frozen=True)
class Outcome:
    """What a check saw for one subject: passed (``message is None``) or failed."""

    subject: str
    message: str | None = None
    position: Position | None = None
    severity: Severity | None = None
    """Overrides the check's default severity (a limit's declared ``severity``)."""
    hint: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    text: Text | None = None
    """The message as a translatable :class:`~journeymap.findings.Text` (``message`` is its
    English form), when the check wrote it so."""
    hint_text: Text | None = None
    """The hint as a translatable :class:`~journeymap.findings.Text` (``hint`` is its English
    form)."""

    @property
    def passed(self) -> bool:
        return self.message is None


def ok(subject: str) -> Outcome:
    """A passing outcome for `subject`."""
    return Outcome(subject)


def fail(
    subject: str,
    message: str | Text,
    position: Position | None,
    *,
    severity: Severity | None = None,
    hint: str | Text | None = None,
    **data: Any,
) -> Outcome:
    """A failing outcome for `subject`, pointing at `position`; a :class:`Text` message or
    hint is kept for human outputs in other languages, its English form is the ``message``
    (the ``hint``)."""
    msg_text = message if isinstance(message, Text) else None
    hint_text = hint if isinstance(hint, Text) else None
    return Outcome(
        subject,
        str(message),
        position,
        severity,
        None if hint is None else str(hint),
        data,
        msg_text,
        hint_text,
    )


CheckFunc = Callable[[Context], Iterator[Outcome]]
EXAMPLES = ("fails", "passes", "baseline", "history")
"""The words that open a docstring example block."""


@dataclass(frozen=True)
class Check:
    """A registered check."""

    code: str
    name: str
    severity: Severity
    kind: Kind
    func: CheckFunc
    doc: str

    @property
    def anchor(self) -> str:
        """The anchor of the check's section in docs/checks.md (``## JM101 limit.conversion``
        is ``#jm101-limitconversion``, as GitHub writes a heading's anchor)."""
        return f"{self.code.lower()}-{self.name.replace('.', '')}"

    @property
    def summary(self) -> str:
        """The first line of the docstring."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name

    def examples(self) -> dict[str, str]:
        """The YAML examples of the docstring: ``fails``, ``passes`` and (for regression
        checks) ``baseline`` or ``history`` (maps of earlier periods, separated by ``---``),
        each the indented block after a line starting with that word and ending with ``::``."""
        out: dict[str, str] = {}
        lines = self.doc.splitlines()
        i = 0
        while i < len(lines):
            head = lines[i].strip()
            word = head.split(" ", 1)[0].rstrip(":").lower()
            if head.endswith("::") and word in EXAMPLES:
                block: list[str] = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
                    block.append(lines[i][4:])
                    i += 1
                out[word] = "\n".join(block).strip("\n") + "\n"
                continue
            i += 1
        return out

    def prose(self) -> str:
        """The docstring without its examples."""
        out: list[str] = []
        for para in self.doc.split("\n\n"):
            first = para.strip().split(" ", 1)[0].rstrip(":").lower()
            if para.strip().endswith("::") and first in EXAMPLES:
                break
            out.append(para.strip())
        return "\n\n".join(out)

    def finding(self, outcome: Outcome) -> Finding:
        assert outcome.message is not None
        return Finding(
            self.code,
            self.name,
            outcome.severity or self.severity,
            outcome.message,
            outcome.position,
            outcome.subject,
            outcome.hint,
            tuple(sorted(outcome.data.items())),
            outcome.text,
            outcome.hint_text,
        )


REGISTRY: dict[str, Check] = {}
"""Every check by code, in registration order (limits, lint, regression)."""


def register(
    code: str, name: str, *, kind: Kind, severity: Severity = Severity.ERROR
) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check function under `code` and `name` (the docstring becomes its docs)."""

    def deco(func: CheckFunc) -> CheckFunc:
        if code in REGISTRY:
            raise ValueError(f"check code {code} registered twice")
        REGISTRY[code] = Check(code, name, severity, kind, func, inspect.getdoc(func) or "")
        return func

    return deco
