"""Regular expressions every engine of an ingest reads alike: Python's ``re`` minus what RE2 lacks.

An event rule's ``pattern`` and ``where:`` expressions run in DuckDB (and BigQuery), whose
engine is RE2, after ``validate`` has compiled them with Python's ``re``. RE2 refuses a few
constructs Python accepts (https://github.com/google/re2/wiki/Syntax, the "NOT SUPPORTED"
entries), and reads one differently, so a rule that validates could fail half-way through an
ingest, without its position. :func:`unsupported` finds them first, by a conservative scan of
the text (escapes and character classes are skipped as Python reads them):

- lookahead and lookbehind ``(?=``, ``(?!``, ``(?<=``, ``(?<!``;
- backreferences ``\\1``..``\\9`` and ``(?P=name)``, and conditionals ``(?(1)...)``;
- atomic groups ``(?>...)`` and possessive quantifiers ``*+``, ``++``, ``?+``, ``{m,n}+``;
- comments ``(?#...)`` and the flags ``a``, ``L``, ``u``, ``x`` (RE2 knows ``i``, ``m``, ``s``);
- the escapes ``\\Z``, ``\\u``, ``\\U`` and ``\\N{...}``;
- ``{,n}``, which Python reads as ``{0,n}`` and RE2 as literal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUANTIFIER = re.compile(r"\{(\d*)(,\d*)?\}")
_GROUPS = (
    ("(?<=", "a lookbehind"),
    ("(?<!", "a negative lookbehind"),
    ("(?=", "a lookahead"),
    ("(?!", "a negative lookahead"),
    ("(?>", "an atomic group"),
    ("(?P=", "a backreference"),
    ("(?(", "a conditional"),
    ("(?#", "a comment"),
)
_ESCAPES = {
    "Z": "the escape \\Z (write $)",
    "u": "the escape \\u (write the character itself)",
    "U": "the escape \\U (write the character itself)",
    "N": "the escape \\N{...} (write the character itself)",
}


@dataclass(frozen=True)
class Unsupported:
    """A construct RE2 lacks: what it is and the offset of its first character."""

    what: str
    offset: int

    def message(self, pattern: str) -> str:
        return (
            f"{self.what} at character {self.offset + 1} of '{pattern}' is not supported by "
            "the event-log engines (RE2)"
        )


def unsupported(pattern: str) -> Unsupported | None:
    """The first construct of ``pattern`` that RE2 lacks or reads differently, or None.

    >>> unsupported("^view_item(_.*)?$") is None, unsupported(r"[(?=]\\(?=x") is None
    (True, True)
    >>> unsupported("a(?=b)"), unsupported(r"(a)\\1").what, unsupported("a{2}+").offset
    (Unsupported(what='a lookahead', offset=1), 'a backreference', 1)
    >>> unsupported("x{,3}").what
    'x{,3}, which RE2 reads as literal text (write {0,3})'
    """
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            found = _escape(pattern, i)
            if found is not None:
                return found
            i += 2
        elif c == "[":
            i, found = _class(pattern, i)
            if found is not None:
                return found
        elif c == "(" and pattern.startswith("(?", i):
            found = _group(pattern, i)
            if found is not None:
                return found
            i += 2
        elif c in "*+?" and i + 1 < n and pattern[i + 1] == "+":
            return Unsupported("a possessive quantifier", i)
        elif c == "{" and (m := _QUANTIFIER.match(pattern, i)) and (m.group(1) or m.group(2)):
            if not m.group(1) and m.group(2) != ",":
                bound = m.group(2)[1:]
                return Unsupported(
                    f"{pattern[max(0, i - 1) : m.end()]}, which RE2 reads as literal text "
                    f"(write {{0,{bound}}})",
                    i,
                )
            if pattern.startswith("+", m.end()):
                return Unsupported("a possessive quantifier", i)
            i = m.end()
        else:
            i += 1
    return None


def _escape(pattern: str, i: int) -> Unsupported | None:
    nxt = pattern[i + 1 : i + 2]
    if nxt in "123456789" and nxt:
        return Unsupported("a backreference", i)
    if nxt in _ESCAPES:
        return Unsupported(_ESCAPES[nxt], i)
    return None


def _class(pattern: str, i: int) -> tuple[int, Unsupported | None]:
    """The index after the character class opening at ``i`` (``]`` first is literal), and the
    first escape in it RE2 lacks."""
    j = i + 1
    if pattern.startswith("^", j):
        j += 1
    if pattern.startswith("]", j):
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "\\":
            found = _escape(pattern, j)
            if found is not None:
                return j, found
            j += 2
        else:
            j += 1
    return j + 1, None


def _group(pattern: str, i: int) -> Unsupported | None:
    for opening, what in _GROUPS:
        if pattern.startswith(opening, i):
            return Unsupported(what, i)
    m = re.compile(r"\(\?([a-zA-Z]+)(-[a-zA-Z]+)?[:)]").match(pattern, i)
    if m is not None:
        flags = (m.group(1) + (m.group(2) or "")).replace("-", "")
        bad = sorted(set(flags) - set("imsU"))
        if bad:
            return Unsupported(f"the flag {bad[0]!r}", i)
    return None
