"""A careful YAML reader that keeps the position of every key and value.

Why not ``yaml.safe_load``:

* it silently keeps the last of two duplicate keys;
* YAML 1.1 turns ``yes``, ``no``, ``on``, ``off`` into booleans (``next: {no: 5}``);
* an alias bomb ("billion laughs") loads instantly as shared references and blows up later;
* very deep nesting overflows the recursive composer (the C one segfaults);
* it forgets where each value came from, so errors could not point at the line.

This module decodes the file, picks the parser (libyaml, or PyYAML's pure-Python one) and turns
every refusal into one diagnostic with its position; :mod:`journeymap.io.yamlbuild` builds the
document from the parser's event stream with an explicit stack (YAML 1.2 core scalars, only
``true``/``false`` are booleans, no timestamps; bounded depth, values after alias expansion,
value length and digits; no duplicate keys, no unknown tags) into the :class:`PosDict` /
:class:`PosList` containers of :mod:`journeymap.io.postree`, which remember positions.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import events as ev

from journeymap.errors import Diagnostic, MapError
from journeymap.io.postree import PosDict, PosList, locate
from journeymap.io.yamlbuild import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_NODES,
    MAX_SCALAR,
    Fail,
    ReadAgain,
    build,
    resolve_plain,
    too_long,
)
from journeymap.source import MAX_BYTES, TOO_LARGE_HINT, Position, SourceText, at, undecodable

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_NODES",
    "MAX_SCALAR",
    "PosDict",
    "PosList",
    "locate",
    "parse_yaml",
    "parser",
    "resolves_to_string",
]


def _pos(path: str, mark: Any) -> Position:
    return Position(path, mark.line + 1, mark.column + 1)


def _decode(data: bytes, path: str) -> str:
    if b"\x00" in data:
        raise MapError(
            [
                Diagnostic(
                    "this is not a text file (it contains NUL bytes)",
                    Position(path, 1, 1),
                    hint="a map is a UTF-8 YAML file",
                )
            ]
        )
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MapError(
            [
                Diagnostic(
                    f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                    undecodable(path, data, exc),
                    hint="save the file as UTF-8",
                )
            ]
        ) from None


def resolves_to_string(value: str) -> bool:
    """Whether a plain (unquoted) scalar with this text reads back as the same string.

    >>> resolves_to_string("checkout"), resolves_to_string("0E0"), resolves_to_string("no")
    (True, False, True)
    """
    try:
        return bool(resolve_plain(value, Position("<memory>", 1, 1)) == value)
    except Fail:
        return False


def parse_yaml(data: bytes | str, path: str, sources: SourceText | None = None) -> Any:
    """Parse one YAML document into PosDict/PosList/scalars, or raise MapError.

    >>> doc = parse_yaml("next: {no: 5, checkout: 3}", "m.yaml")
    >>> doc["next"]
    {'no': 5, 'checkout': 3}
    >>> str(doc["next"].val_pos["checkout"])
    'm.yaml:1:25'
    """
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise MapError(
                [
                    Diagnostic(
                        f"the file is larger than {MAX_BYTES // 2**20} MiB",
                        Position(path, 1, 1),
                        hint=TOO_LARGE_HINT,
                    )
                ]
            )
        text = _decode(data, path)
    else:
        text = data
    if sources is not None:
        sources.add(path, text)
    try:
        return _compose(text, path)
    except Fail as fail:
        raise MapError([fail.diag], sources) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = _pos(path, mark) if mark is not None else Position(path, 1, 1)
        problem = (exc.problem or "invalid YAML").strip()
        context = f" {exc.context.strip()}" if exc.context else ""
        if (
            exc.context
            and exc.context_mark is not None
            and exc.problem_mark is not None
            and (exc.context_mark.line != exc.problem_mark.line)
        ):
            context += f" that starts at line {exc.context_mark.line + 1}"
        raise MapError(
            [Diagnostic(f"YAML syntax error: {problem}{context}", pos, hint=_syntax_hint(problem))],
            sources,
        ) from None
    except yaml.reader.ReaderError as exc:
        raise MapError(
            [
                Diagnostic(
                    f"unreadable character {_codepoint(exc.character)} in the file",
                    at(path, text, exc.position),
                    hint="remove control characters",
                )
            ],
            sources,
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error is one of the above
        raise MapError([Diagnostic(f"YAML error: {exc}", Position(path, 1, 1))], sources) from None


def _codepoint(character: int | str) -> str:
    """A character as its code point, the way a user can search for it (PyYAML passes the
    ``ord`` of a control character: ``7`` was printed as it stands).

    >>> _codepoint(7), _codepoint("\\x85")
    ('U+0007', 'U+0085')
    """
    return f"U+{character if isinstance(character, int) else ord(character):04X}"


def _syntax_hint(problem: str) -> str | None:
    if "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': '"
    return None


_C_LOADER: Any = getattr(yaml, "CSafeLoader", None)
"""libyaml's parser (``yaml.CParser``), when PyYAML was built with it; ``None`` otherwise."""


def parser() -> str:
    """Which parser reads maps: ``libyaml``, or ``python`` where libyaml is missing (or
    ``JOURNEYMAP_YAML_PARSER=python`` forces the fallback, which the tests use to hold both to
    the same results)."""
    import os

    if _C_LOADER is None or os.environ.get("JOURNEYMAP_YAML_PARSER") == "python":
        return "python"
    return "libyaml"


def _compose(text: str, path: str) -> Any:
    """Build the document from libyaml's events, or PyYAML's pure-Python ones.

    Both parsers give the same event stream with the same marks (line and column in code
    points), so the builder and every position are the same. Only their error messages differ:
    libyaml is the fast path for documents that parse, and any syntax error (or a character
    PyYAML's reader refuses) is read again by the pure-Python parser, so every message is its
    wording; so is any text with a tab. The one mark the two place differently is that of an empty value (``a:`` with
    nothing after it: PyYAML at the ``:``, libyaml at the next token); a document with one is
    read again by the pure-Python parser too, so its positions are PyYAML's. libyaml's parser is iterative (no recursion) and the builder bounds depth itself.
    """
    libyaml = parser() == "libyaml"
    if libyaml and (
        "\t" in text  # PyYAML refuses tabs where libyaml allows them (after a value)
        or yaml.reader.Reader.NON_PRINTABLE.search(text)
    ):
        if len(text) > MAX_SCALAR:
            _refuse_long_values(text, path)
    elif libyaml:
        c_loader = _C_LOADER(text)
        try:
            return build(c_loader, path, libyaml=True, text=text)
        except (yaml.YAMLError, ReadAgain):
            pass  # read again below, for PyYAML's message and positions
        finally:
            c_loader.dispose()
    loader = yaml.SafeLoader(text)
    try:
        return build(loader, path)
    finally:
        loader.dispose()


def _refuse_long_values(text: str, path: str) -> None:
    """A first pass with libyaml over a large text that the pure-Python parser must read (it
    has a tab or a character libyaml reads otherwise): a value over :data:`MAX_SCALAR` is
    refused at its position at libyaml's speed, where PyYAML's scanner would take seconds per
    megabyte to reach the same answer. Anything libyaml refuses is left to PyYAML's reading."""
    loader = _C_LOADER(text)
    try:
        while not isinstance(event := loader.get_event(), ev.StreamEndEvent):
            if isinstance(event, ev.ScalarEvent) and len(event.value) > MAX_SCALAR:
                raise too_long(len(event.value), _pos(path, event.start_mark))
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
