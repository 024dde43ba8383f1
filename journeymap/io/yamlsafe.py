"""A careful YAML reader that keeps the position of every key and value.

Why not ``yaml.safe_load``:

* it silently keeps the last of two duplicate keys;
* YAML 1.1 turns ``yes``, ``no``, ``on``, ``off`` into booleans (``next: {no: 5}``);
* an alias bomb ("billion laughs") loads instantly as shared references and blows up later;
* very deep nesting overflows the recursive composer (the C one segfaults);
* it forgets where each value came from, so errors could not point at the line.

This module builds the document from PyYAML's event stream with an explicit stack, resolves
plain scalars by the YAML 1.2 core schema (only ``true``/``false`` are booleans; no
timestamps), bounds depth and the number of nodes after alias expansion, rejects duplicate
keys and unknown tags, and returns :class:`PosDict` / :class:`PosList` containers that remember
positions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events as ev

from journeymap.errors import Diagnostic, MapError
from journeymap.source import MAX_BYTES, TOO_LARGE_HINT, Position, SourceText

MAX_DEPTH = 64
MAX_NODES = 1_000_000
MAX_DIGITS = 40
MAX_SCALAR = 100_000
"""Characters in one value (key or scalar): five times the longest text a map field holds
(20,000), so a map never reaches pydantic with a 20 MB string (issue 14)."""

_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = {"true", "True", "TRUE"}
_BOOL_FALSE = {"false", "False", "FALSE"}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


class _Merge:
    """The YAML merge key ``<<``."""

    def __repr__(self) -> str:
        return "<<"


MERGE = _Merge()


class PosDict(dict[Any, Any]):
    """A mapping read from YAML, with the position of the mapping, its keys and values."""

    pos: Position
    key_pos: dict[Any, Position]
    val_pos: dict[Any, Position]

    def __init__(self, *args: Any, pos: Position | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pos = pos or Position("<memory>", 1, 1)
        self.key_pos = {}
        self.val_pos = {}


class PosList(list[Any]):
    """A sequence read from YAML, with the position of the sequence and of each item."""

    pos: Position
    item_pos: list[Position]

    def __init__(self, *args: Any, pos: Position | None = None) -> None:
        super().__init__(*args)
        self.pos = pos or Position("<memory>", 1, 1)
        self.item_pos = []


@dataclass
class _Frame:
    obj: PosDict | PosList
    size: int = 1
    anchor: str | None = None
    key: Any = None
    has_key: bool = False
    key_pos: Position | None = None
    merges: list[tuple[Any, Position]] = field(default_factory=list)
    flow: bool = False


def _pos(path: str, mark: Any) -> Position:
    return Position(path, mark.line + 1, mark.column + 1)


def locate(root: Any, loc: tuple[Any, ...], *, key: bool = False) -> Position | None:
    """The position of the deepest part of `loc` present in `root`.

    With ``key=True`` the position of the last key itself is returned (for "unknown key").
    """
    best: Position | None = getattr(root, "pos", None)
    node = root
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, PosDict):
            if part not in node:
                return node.key_pos.get(part, best)
            pos = node.key_pos.get(part) if (key and last) else node.val_pos.get(part)
            best = pos or best
            node = node[part]
        elif isinstance(node, PosList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.item_pos[part] if part < len(node.item_pos) else best
            node = node[part]
        else:
            return best
    return best


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
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        raise MapError(
            [
                Diagnostic(
                    f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                    Position(path, line, col),
                    hint="save the file as UTF-8",
                )
            ]
        ) from None


_NOT_WORDS = frozenset("nNtTfF~")
"""First letters of the plain scalars that are not text (null, true, false); every other
letter starts text, which is most of a map (ids, names, keys)."""


def _resolve_plain(value: str, pos: Position) -> Any:
    if value and value[0].isalpha() and value[0] not in _NOT_WORDS:
        return value
    if value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
        return int(value, 10)  # the common decimal count, as _INT10 reads it
    if _NULL.match(value):
        return None
    if value in _BOOL_TRUE:
        return True
    if value in _BOOL_FALSE:
        return False
    if _INT10.match(value) or _INT8.match(value) or _INT16.match(value):
        digits = len(value.lstrip("+-"))
        if digits > MAX_DIGITS:
            raise _Fail(
                f"number with {digits} digits is too long",
                pos,
                f"numbers here have at most {MAX_DIGITS} digits",
            )
        if _INT8.match(value):
            return int(value[2:], 8)
        if _INT16.match(value):
            return int(value[2:], 16)
        return int(value, 10)
    if _FLOAT.match(value):
        if len(value) > MAX_DIGITS + 10:
            raise _Fail(f"number with {len(value)} characters is too long", pos, None)
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    if value == "<<":
        return MERGE
    return value


def resolves_to_string(value: str) -> bool:
    """Whether a plain (unquoted) scalar with this text reads back as the same string.

    >>> resolves_to_string("checkout"), resolves_to_string("0E0"), resolves_to_string("no")
    (True, False, True)
    """
    try:
        return bool(_resolve_plain(value, Position("<memory>", 1, 1)) == value)
    except _Fail:
        return False


def _resolve_tagged(value: str, tag: str, pos: Position) -> Any:
    if tag in ("!", _CORE + "str"):
        return value
    if tag == _CORE + "null":
        return None
    if tag in (_CORE + "int", _CORE + "float", _CORE + "bool"):
        resolved = _resolve_plain(value, pos)
        kind = tag.rsplit(":", 1)[-1]
        ok = {
            "int": isinstance(resolved, int) and not isinstance(resolved, bool),
            "float": isinstance(resolved, (int, float)) and not isinstance(resolved, bool),
            "bool": isinstance(resolved, bool),
        }[kind]
        if not ok:
            raise _Fail(f"'{value}' is not a valid !!{kind}", pos, None)
        return float(resolved) if kind == "float" else resolved
    raise _Fail(
        f"unsupported YAML tag '{_tag_text(tag)}'",
        pos,
        "journeymap maps use plain YAML values only; remove the tag",
    )


def _tag_text(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


class _Fail(Exception):
    def __init__(self, message: str, pos: Position, hint: str | None) -> None:
        super().__init__(message)
        self.diag = Diagnostic(message, pos, hint)


def _check_container_tag(tag: str | None, kind: str, pos: Position) -> None:
    if tag is None or tag == "!" or tag == _CORE + kind:
        return
    raise _Fail(
        f"unsupported YAML tag '{_tag_text(tag)}'",
        pos,
        "journeymap maps use plain YAML values only; remove the tag",
    )


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
    except _Fail as fail:
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
        before = text[: exc.position]
        pos = Position(path, before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]) + 1)
        raise MapError(
            [
                Diagnostic(
                    f"unreadable character {exc.character!r} in the file",
                    pos,
                    hint="remove control characters",
                )
            ],
            sources,
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error is one of the above
        raise MapError([Diagnostic(f"YAML error: {exc}", Position(path, 1, 1))], sources) from None


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
            return _build(c_loader, path, libyaml=True, text=text)
        except (yaml.YAMLError, _ReadAgain):
            pass  # read again below, for PyYAML's message and positions
        finally:
            c_loader.dispose()
    loader = yaml.SafeLoader(text)
    try:
        return _build(loader, path)
    finally:
        loader.dispose()


def _too_long(length: int, pos: Position) -> _Fail:
    return _Fail(
        f"this value is {length:,} characters long",
        pos,
        f"one value holds at most {MAX_SCALAR:,} characters (a text field at most 20,000); "
        "keep long documents outside the map and link to them",
    )


def _refuse_long_values(text: str, path: str) -> None:
    """A first pass with libyaml over a large text that the pure-Python parser must read (it
    has a tab or a character libyaml reads otherwise): a value over :data:`MAX_SCALAR` is
    refused at its position at libyaml's speed, where PyYAML's scanner would take seconds per
    megabyte to reach the same answer. Anything libyaml refuses is left to PyYAML's reading."""
    loader = _C_LOADER(text)
    try:
        while not isinstance(event := loader.get_event(), ev.StreamEndEvent):
            if isinstance(event, ev.ScalarEvent) and len(event.value) > MAX_SCALAR:
                raise _too_long(len(event.value), _pos(path, event.start_mark))
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


class _ReadAgain(Exception):
    """A scalar that PyYAML reads otherwise than libyaml (see :func:`_pyyaml_reads_otherwise`)."""


def _pyyaml_reads_otherwise(event: ev.ScalarEvent, stack: list[_Frame], text: str) -> bool:
    """Whether PyYAML would place or read this libyaml scalar differently.

    An empty value (``a:``, ``|``): PyYAML marks it at the indicator, libyaml at the next token
    (and libyaml lets a comment follow a block indicator with no space). A plain scalar with
    ``?`` inside a flow collection (``[why?]``): PyYAML's scanner refuses it, libyaml reads it.
    A block scalar whose header has a comment (``|  # note``): libyaml allows it with no space
    before the ``#``, PyYAML does not. A tag (rare in maps; the two scanners differ on
    malformed ones such as ``!a!b``). All of these are read again.
    """
    if event.tag is not None:
        return True
    if not event.value:
        return event.style in ("", "|", ">")
    if event.style in ("|", ">"):
        if event.start_mark is None:  # pragma: no cover - libyaml marks every event
            return True
        start = event.start_mark.index  # libyaml's index counts code points, as str does
        return "#" in text[start : text.find("\n", start) % (len(text) + 1)]
    return not event.style and "?" in event.value and bool(stack) and stack[-1].flow


def _build(loader: Any, path: str, *, libyaml: bool = False, text: str = "") -> Any:
    """Build the one document of the event stream into PosDict/PosList values."""
    builder = _Builder(path, libyaml=libyaml, text=text)
    documents = 0
    while True:
        event = loader.get_event()
        if isinstance(event, ev.StreamEndEvent):
            break
        if isinstance(event, ev.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Fail(
                    "a map file holds one YAML document; found a second '---'",
                    _pos(path, event.start_mark),
                    "split it into two files",
                )
        elif not isinstance(event, ev.StreamStartEvent | ev.DocumentEndEvent):
            builder.feed(event)
    if documents == 0 or builder.root is None:
        raise _Fail(
            "the file is empty",
            Position(path, 1, 1),
            "a map starts with 'journeymap: 1'; run 'journeymap init' for a starter map",
        )
    return builder.root


class _Builder:
    """The stack of open mappings and lists, the anchors, and the count of values (the bound)."""

    def __init__(self, path: str, *, libyaml: bool = False, text: str = "") -> None:
        self.path = path
        self.text = text
        self.libyaml = libyaml
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.count = 0
        self.root: Any = None

    def feed(self, event: Any) -> None:
        """One node event: an alias, a scalar, or the start or end of a mapping or list."""
        kind = type(event)
        if kind is ev.SequenceEndEvent or kind is ev.MappingEndEvent:
            frame = self.stack.pop()
            if frame.merges:
                _apply_merges(frame)
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.obj, frame.size)
            self.add(frame.obj, frame.obj.pos, frame.size)
            return
        mark = event.start_mark
        pos = Position(self.path, mark.line + 1, mark.column + 1)
        if kind is ev.ScalarEvent:
            self.scalar(event, pos)
        elif kind is ev.AliasEvent:
            self.alias(event, pos)
        else:
            self.start(event, pos)

    def alias(self, event: ev.AliasEvent, pos: Position) -> None:
        if event.anchor not in self.anchors:
            raise _Fail(f"unknown alias '*{event.anchor}'", pos, "define the anchor '&' first")
        value, size = self.anchors[event.anchor]
        self.count += size
        if self.count > MAX_NODES:
            raise _Fail(
                f"the document expands to more than {MAX_NODES:,} values through aliases",
                pos,
                "this looks like an alias bomb; write the values out",
            )
        self.add(value, pos, size)

    def scalar(self, event: ev.ScalarEvent, pos: Position) -> None:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Fail(f"the document has more than {MAX_NODES:,} values", pos, None)
        if len(event.value) > MAX_SCALAR:  # before any second reading: one scan of it is enough
            raise _too_long(len(event.value), pos)
        if self.libyaml and _pyyaml_reads_otherwise(event, self.stack, self.text):
            raise _ReadAgain
        if event.tag is not None:
            value = _resolve_tagged(event.value, event.tag, pos)
        else:  # plain scalars resolve by the YAML 1.2 core schema, quoted ones stay text
            plain = not event.style  # PyYAML says None, libyaml ''
            value = _resolve_plain(event.value, pos) if plain else event.value
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self.add(value, pos, 1)

    def start(self, event: ev.SequenceStartEvent | ev.MappingStartEvent, pos: Position) -> None:
        self.count += 1
        if len(self.stack) >= MAX_DEPTH:
            raise _Fail(
                f"nesting deeper than {MAX_DEPTH} levels",
                pos,
                "a journey map is a few levels deep; check the brackets and indentation",
            )
        if self.libyaml and event.tag is not None:
            raise _ReadAgain  # see _pyyaml_reads_otherwise
        seq = isinstance(event, ev.SequenceStartEvent)
        _check_container_tag(event.tag, "seq" if seq else "map", pos)
        obj: PosDict | PosList = PosList(pos=pos) if seq else PosDict(pos=pos)
        self.stack.append(_Frame(obj, anchor=event.anchor, flow=bool(event.flow_style)))

    def add(self, value: Any, pos: Position, size: int) -> None:
        """Put a finished value into the open container (as its next item, key or value)."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.obj, PosList):
            top.obj.append(value)
            top.obj.item_pos.append(pos)
            return
        if not top.has_key:
            if isinstance(value, (PosDict, PosList)):
                raise _Fail("a mapping or list cannot be used as a key", pos, None)
            if value is not MERGE and value in top.obj:
                first = top.obj.key_pos[value]
                raise _Fail(
                    f"duplicate key '{value}' (first defined at line {first.line})",
                    pos,
                    "each key may appear once in a mapping; remove or rename one",
                )
            top.key, top.key_pos, top.has_key = value, pos, True
            return
        if top.key is MERGE:
            top.merges.append((value, pos))
        else:
            top.obj[top.key] = value
            assert top.key_pos is not None
            top.obj.key_pos[top.key] = top.key_pos
            top.obj.val_pos[top.key] = pos
        top.has_key = False


def _apply_merges(frame: _Frame) -> None:
    target = frame.obj
    assert isinstance(target, PosDict)
    for value, pos in frame.merges:
        sources = value if isinstance(value, PosList) else [value]
        for source in sources:
            if not isinstance(source, PosDict):
                raise _Fail("'<<' merges a mapping or a list of mappings", pos, None)
            for key, item in source.items():
                if key not in target:
                    target[key] = item
                    target.key_pos[key] = source.key_pos.get(key, pos)
                    target.val_pos[key] = source.val_pos.get(key, pos)
