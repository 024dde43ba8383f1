"""Findings, outcomes and the check registry.

A *check* is a small registered unit: a code (``JM101``), a dotted name (``limit.conversion``),
a default severity, a kind (``limit``, ``lint`` or ``regression``) and a docstring that teaches
it with a failing and a passing YAML example (``docs/checks.md`` is generated from them).

A check function takes a :class:`~journeymap.checks.context.Context` and yields one
:class:`Outcome` per *subject* it looked at (the map, a touchpoint, a stage): passed, or failed
with a message and the position of the YAML that declared the limit or the touchpoint. The
runner turns failed outcomes into :class:`Finding` values, which compare and sort by position:

>>> from journeymap.source import Position
>>> f = Finding("JM101", "limit.conversion", Severity.ERROR, "conversion 1.2% is below 1.5%",
...             Position("maps/shop.yaml", 22, 5))
>>> codes([f])
[('JM101', 22, 5)]
>>> str(f)
'maps/shop.yaml:22:5: JM101 error: conversion 1.2% is below 1.5%'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from journeymap.checks.context import Context
from journeymap.model import Severity
from journeymap.source import Position

__all__ = ["REGISTRY", "Check", "Finding", "Kind", "Outcome", "Severity", "codes", "register"]

Kind = Literal["limit", "lint", "regression", "load", "analysis"]

SEVERITY_RANK = {Severity.ERROR: 2, Severity.WARNING: 1}


@dataclass(frozen=True)
class Finding:
    """One problem found on a valid map: a comparable value.

    Sorting is by file, line, column, then code, so outputs are stable.
    """

    code: str
    name: str
    severity: Severity
    message: str
    position: Position | None = None
    subject: str = "map"
    """What was checked: ``map``, ``touchpoint:<id>``, ``stage:<id>``."""
    hint: str | None = None
    data: tuple[tuple[str, Any], ...] = ()
    """Figures behind the finding (value, limit, p-value ...), as sorted key/value pairs."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        pos = self.position
        return (pos.path if pos else "", pos.line if pos else 0, pos.col if pos else 0,
                self.code, self.message)

    def __lt__(self, other: Finding) -> bool:
        return self.sort_key() < other.sort_key()

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of a finding (stable key names)."""
        pos = self.position
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "file": pos.path if pos else None,
            "line": pos.line if pos else None,
            "col": pos.col if pos else None,
            "subject": self.subject,
            "hint": self.hint,
            "data": dict(self.data),
        }

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        return f"{where}{self.code} {self.severity.value}: {self.message}"


def codes(findings: Iterable[Finding]) -> list[tuple[str, int, int]]:
    """The compact test form of findings: ``[(code, line, col), ...]`` in sorted order."""
    return [(f.code, f.position.line if f.position else 0, f.position.col if f.position else 0)
            for f in sorted(findings)]


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

    @property
    def passed(self) -> bool:
        return self.message is None


def ok(subject: str) -> Outcome:
    """A passing outcome for `subject`."""
    return Outcome(subject)


def fail(subject: str, message: str, position: Position | None, *,
         severity: Severity | None = None, hint: str | None = None,
         **data: Any) -> Outcome:
    """A failing outcome for `subject`, pointing at `position`."""
    return Outcome(subject, message, position, severity, hint, data)


CheckFunc = Callable[[Context], Iterator[Outcome]]


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
    def summary(self) -> str:
        """The first line of the docstring."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name

    def examples(self) -> dict[str, str]:
        """The YAML examples of the docstring: ``fails``, ``passes`` and (for regression
        checks) ``baseline``, each the indented block after a line starting with that word and
        ending with ``::``."""
        out: dict[str, str] = {}
        lines = self.doc.splitlines()
        i = 0
        while i < len(lines):
            head = lines[i].strip()
            word = head.split(" ", 1)[0].rstrip(":").lower()
            if head.endswith("::") and word in ("fails", "passes", "baseline"):
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
            if para.strip().endswith("::") and first in ("fails", "passes", "baseline"):
                break
            out.append(para.strip())
        return "\n\n".join(out)

    def finding(self, outcome: Outcome) -> Finding:
        assert outcome.message is not None
        return Finding(self.code, self.name, outcome.severity or self.severity, outcome.message,
                       outcome.position, outcome.subject, outcome.hint,
                       tuple(sorted(outcome.data.items())))


REGISTRY: dict[str, Check] = {}
"""Every check by code, in registration order (limits, lint, regression)."""


def register(code: str, name: str, *, kind: Kind,
             severity: Severity = Severity.ERROR) -> Callable[[CheckFunc], CheckFunc]:
    """Register a check function under `code` and `name` (the docstring becomes its docs)."""

    def deco(func: CheckFunc) -> CheckFunc:
        if code in REGISTRY:
            raise ValueError(f"check code {code} registered twice")
        REGISTRY[code] = Check(code, name, severity, kind, func, inspect.getdoc(func) or "")
        return func

    return deco


