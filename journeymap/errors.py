"""One small error hierarchy. The class decides the exit code.

Exit codes: 0 clean, 1 findings on a valid map, 2 the input cannot be used
(usage, parse, validation or configuration error).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol

from journeymap.i18n import Translator
from journeymap.source import Position, SourceText, code_frame


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2


class Sentence(Protocol):
    """A sentence that writes itself in a language (:class:`journeymap.findings.Text`)."""

    def format(self, t: Translator | None = None) -> str: ...


@dataclass(frozen=True)
class Diagnostic:
    """One problem in an input: where, what, and a hint.

    >>> d = Diagnostic("unknown touchpoint 'chekout'", Position("m.yaml", 3, 8),
    ...                hint="did you mean 'checkout'?")
    >>> d.headline()
    "m.yaml:3:8: unknown touchpoint 'chekout'; did you mean 'checkout'?"
    """

    message: str
    position: Position | None = None
    hint: str | None = None
    code: str | None = None
    text: Sentence | None = field(default=None, compare=False, repr=False)
    """A warning's message as a translatable sentence (``message`` is its English form), for
    the human outputs that show load warnings in the run's language (``check``)."""

    def headline(self) -> str:
        where = f"{self.position}: " if self.position else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}"

    def render(self, sources: SourceText | None = None) -> str:
        text = self.headline()
        if self.position is not None:
            line = (sources or SourceText()).line(self.position)
            if line is not None:
                text += "\n" + code_frame(line, self.position)
        return text


class JourneymapError(Exception):
    """Base of every error a user can cause. The CLI prints it and exits with `exit_code`."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, position: Position | None = None, hint: str | None = None):
        super().__init__(message)
        self.diagnostics: list[Diagnostic] = [Diagnostic(message, position, hint)]
        self.sources: SourceText | None = None

    def render(self) -> str:
        return "\n".join(d.render(self.sources) for d in self.diagnostics)

    def at(self, position: Position | None, sources: SourceText | None = None) -> None:
        """Point the first message at ``position`` when it has none (the code frame from
        ``sources``), as the loader's and the checks' messages are.

        >>> e = AnalysisError("the journey cannot end from 'a'")
        >>> e.at(Position("m.yaml", 9, 9)); e.diagnostics[0].headline()
        "m.yaml:9:9: the journey cannot end from 'a'"
        """
        first = self.diagnostics[0]
        if position is None or first.position is not None:
            return
        self.diagnostics[0] = Diagnostic(first.message, position, first.hint, first.code)
        self.sources = sources or self.sources


class MapError(JourneymapError):
    """An input that cannot be used as a map or overlay; carries every problem found."""

    def __init__(self, diagnostics: list[Diagnostic], sources: SourceText | None = None):
        first = diagnostics[0] if diagnostics else Diagnostic("invalid map")
        super().__init__(first.message, position=first.position, hint=first.hint)
        self.diagnostics = list(diagnostics)
        self.sources = sources

    def __str__(self) -> str:
        return "\n".join(d.headline() for d in self.diagnostics)


class UsageError(JourneymapError):
    """The command was misused: a bad option value, a missing file, an unsupported format."""


class AnalysisError(JourneymapError):
    """The map is valid, but the asked analysis cannot be done (for example a chain that cannot absorb).

    ``touchpoints`` names the touchpoints it is about, in map order (empty when none): the
    layer that knows where they are written points the message at the first one
    (:meth:`JourneymapError.at`)."""

    touchpoints: Sequence[str] = ()


def did_you_mean(word: str, choices: list[str] | set[str] | tuple[str, ...]) -> str | None:
    """A hint naming the closest known word, or None.

    >>> did_you_mean("chekout", ["cart", "checkout", "payment"])
    "did you mean 'checkout'?"
    >>> did_you_mean("zzz", ["cart"]) is None
    True
    """
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
