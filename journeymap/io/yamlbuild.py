"""The document builder of the YAML reader: parser events -> PosDict / PosList / scalars.

One pass over the event stream (libyaml's or PyYAML's pure-Python one, the same events with
the same marks) with an explicit stack: plain scalars resolve by the YAML 1.2 core schema (only
``true``/``false`` are booleans; no timestamps), quoted ones stay text; depth, the number of
values after alias expansion, the length of a value and the digits of a number are bounded;
duplicate keys and unknown tags are errors. Positions are kept as the parser's marks and made
:class:`~journeymap.source.Position` values only when asked for (:mod:`journeymap.io.postree`);
an error's position is made where it is raised. The common event (a plain or quoted scalar with
no tag or anchor) takes one method call (issue 14: the builder was most of reading a large map).
"""

from __future__ import annotations

import math
import re
from typing import Any

from yaml import events as ev

from journeymap.collector import collector_paused
from journeymap.errors import Diagnostic
from journeymap.io.postree import PosDict, PosList, read_dict, read_list
from journeymap.source import Position

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
_BLOCK = ("|", ">")
_TAG_HINT = "journeymap maps use plain YAML values only; remove the tag"


class _Merge:
    """The YAML merge key ``<<``."""

    def __repr__(self) -> str:
        return "<<"


MERGE = _Merge()


class Fail(Exception):
    """A document the reader refuses: one diagnostic with its position."""

    def __init__(self, message: str, pos: Position, hint: str | None) -> None:
        super().__init__(message)
        self.diag = Diagnostic(message, pos, hint)


class ReadAgain(Exception):
    """A document that PyYAML reads otherwise than libyaml (see :func:`_pyyaml_reads_otherwise`)."""


_WORDS: dict[str, Any] = {
    **dict.fromkeys(("null", "Null", "NULL")),
    **dict.fromkeys(_BOOL_TRUE, True),
    **dict.fromkeys(_BOOL_FALSE, False),
}
"""The plain scalars starting with a letter that are not text (null, true, false): every
other one is text (no number or special value starts with a letter), which is most of a map
(ids, names, keys)."""


def resolve_plain(value: str, pos: Position) -> Any:
    """A plain scalar by the YAML 1.2 core schema (`pos` is where an error points)."""
    if value[:1].isalpha():
        return _WORDS.get(value, value)
    if value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS:
        return int(value, 10)  # the common decimal count, as _INT10 reads it
    if _NULL.match(value):
        return None
    if _INT10.match(value) or _INT8.match(value) or _INT16.match(value):
        digits = len(value.lstrip("+-"))
        if digits > MAX_DIGITS:
            raise Fail(
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
            raise Fail(f"number with {len(value)} characters is too long", pos, None)
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    if value == "<<":
        return MERGE
    return value


def _resolve_tagged(value: str, tag: str, pos: Position) -> Any:
    if tag in ("!", _CORE + "str"):
        return value
    if tag == _CORE + "null":
        return None
    if tag in (_CORE + "int", _CORE + "float", _CORE + "bool"):
        resolved = resolve_plain(value, pos)
        kind = tag.rsplit(":", 1)[-1]
        ok = {
            "int": isinstance(resolved, int) and not isinstance(resolved, bool),
            "float": isinstance(resolved, (int, float)) and not isinstance(resolved, bool),
            "bool": isinstance(resolved, bool),
        }[kind]
        if not ok:
            raise Fail(f"'{value}' is not a valid !!{kind}", pos, None)
        return float(resolved) if kind == "float" else resolved
    raise Fail(f"unsupported YAML tag '{_tag_text(tag)}'", pos, _TAG_HINT)


def _tag_text(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def too_long(length: int, pos: Position) -> Fail:
    """The error of a value over :data:`MAX_SCALAR` characters."""
    return Fail(
        f"this value is {length:,} characters long",
        pos,
        f"one value holds at most {MAX_SCALAR:,} characters (a text field at most 20,000); "
        "keep long documents outside the map and link to them",
    )


class _Frame:
    """An open mapping or list: the marks of its items (a list) or of its keys and values (a
    mapping, with the key waiting for its value), and the values it holds after aliases."""

    __slots__ = (
        "anchor",
        "flow",
        "items",
        "key",
        "key_mark",
        "keys",
        "mark",
        "merges",
        "obj",
        "size",
        "values",
    )

    def __init__(self, mark: tuple[int, int], anchor: str | None, flow: bool) -> None:
        self.mark = mark
        self.anchor = anchor
        self.flow = flow
        self.size = 1
        self.key: Any = _NO_KEY
        self.key_mark = mark
        self.merges: list[tuple[Any, Position]] = []
        self.obj: PosDict | PosList
        self.items: list[tuple[int, int]]
        self.keys: dict[Any, tuple[int, int]]
        self.values: dict[Any, tuple[int, int]]


_NO_KEY = object()
"""The key slot of a mapping frame between a value and the next key."""


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


def build(loader: Any, path: str, *, libyaml: bool = False, text: str = "") -> Any:
    """Build the one document of the event stream into PosDict/PosList values, the cyclic
    collector paused: a tree makes no cycles (an alias names a finished value), yet its many
    containers cost a fifth of reading a large map in the collector's passes (issue 14)."""
    with collector_paused():
        return _build(loader, path, libyaml=libyaml, text=text)


def _build(loader: Any, path: str, *, libyaml: bool, text: str) -> Any:
    builder = _Builder(path, libyaml=libyaml, text=text)
    get_event = loader.get_event
    documents = 0
    while True:
        event = get_event()
        kind = type(event)
        if kind is ev.ScalarEvent:
            builder.scalar(event)
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            builder.end()
        elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            builder.start(event)
        elif kind is ev.AliasEvent:
            builder.alias(event)
        elif kind is ev.StreamEndEvent:
            break
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise Fail(
                    "a map file holds one YAML document; found a second '---'",
                    builder.position(event.start_mark),
                    "split it into two files",
                )
    if documents == 0 or builder.root is None:
        raise Fail(
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

    def position(self, mark: Any) -> Position:
        """The position of a parser mark (line and column counted from 0)."""
        return Position(self.path, mark.line + 1, mark.column + 1)

    def scalar(self, event: ev.ScalarEvent) -> None:
        """A scalar: bounded, resolved (plain by the core schema, quoted as text), added."""
        self.count += 1
        mark: Any = event.start_mark  # the parser marks every event
        if self.count > MAX_NODES:
            raise Fail(
                f"the document has more than {MAX_NODES:,} values", self.position(mark), None
            )
        value: Any = event.value
        if len(value) > MAX_SCALAR:  # before any second reading: one scan of it is enough
            raise too_long(len(value), self.position(mark))
        tag, style = event.tag, event.style
        if (
            self.libyaml
            and (tag is not None or not value or style in _BLOCK or "?" in value)
            and _pyyaml_reads_otherwise(event, self.stack, self.text)
        ):
            raise ReadAgain
        if tag is not None:
            value = _resolve_tagged(value, tag, self.position(mark))
        elif style:  # quoted or block: text (PyYAML says None for plain, libyaml '')
            pass
        elif value.isdigit() and value.isascii() and len(value) <= MAX_DIGITS:
            value = int(value, 10)  # the common count, as resolve_plain reads it
        elif value[:1].isalpha():
            value = _WORDS.get(value, value)
        else:
            value = resolve_plain(value, self.position(mark))
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        self.add(value, (mark.line, mark.column), 1)

    def alias(self, event: ev.AliasEvent) -> None:
        """An alias: the anchored value again, counted with every value it holds."""
        mark: Any = event.start_mark
        if event.anchor not in self.anchors:
            raise Fail(
                f"unknown alias '*{event.anchor}'",
                self.position(mark),
                "define the anchor '&' first",
            )
        value, size = self.anchors[event.anchor]
        self.count += size
        if self.count > MAX_NODES:
            raise Fail(
                f"the document expands to more than {MAX_NODES:,} values through aliases",
                self.position(mark),
                "this looks like an alias bomb; write the values out",
            )
        self.add(value, (mark.line, mark.column), size)

    def start(self, event: ev.SequenceStartEvent | ev.MappingStartEvent) -> None:
        """The start of a mapping or list: bounded depth, no tag, a new open frame."""
        self.count += 1
        mark: Any = event.start_mark
        if len(self.stack) >= MAX_DEPTH:
            raise Fail(
                f"nesting deeper than {MAX_DEPTH} levels",
                self.position(mark),
                "a journey map is a few levels deep; check the brackets and indentation",
            )
        if self.libyaml and event.tag is not None:
            raise ReadAgain  # see _pyyaml_reads_otherwise
        seq = type(event) is ev.SequenceStartEvent
        tag = event.tag
        if tag is not None and tag != "!" and tag != _CORE + ("seq" if seq else "map"):
            raise Fail(f"unsupported YAML tag '{_tag_text(tag)}'", self.position(mark), _TAG_HINT)
        at = (mark.line, mark.column)
        frame = _Frame(at, event.anchor, bool(event.flow_style))
        if seq:
            frame.items = []
            frame.obj = read_list(self.path, at, frame.items)
        else:
            frame.keys, frame.values = {}, {}
            frame.obj = read_dict(self.path, at, frame.keys, frame.values)
        self.stack.append(frame)

    def end(self) -> None:
        """The end of the open mapping or list: merges applied, anchored, added to its parent."""
        frame = self.stack.pop()
        if frame.merges:
            _apply_merges(frame.obj, frame.merges)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.obj, frame.size)
        self.add(frame.obj, frame.mark, frame.size)

    def add(self, value: Any, mark: tuple[int, int], size: int) -> None:
        """Put a finished value into the open container (as its next item, key or value)."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.size += size
        obj = top.obj
        if type(obj) is PosList:
            obj.append(value)
            top.items.append(mark)
            return
        key = top.key
        if key is _NO_KEY:
            self.key(top, value, mark)
        elif key is MERGE:
            top.merges.append((value, Position(self.path, mark[0] + 1, mark[1] + 1)))
            top.key = _NO_KEY
        else:
            obj[key] = value
            top.keys[key] = top.key_mark
            top.values[key] = mark
            top.key = _NO_KEY

    def key(self, top: _Frame, value: Any, mark: tuple[int, int]) -> None:
        """A key of the open mapping: a scalar, not seen before in it (merges aside)."""
        if isinstance(value, (PosDict, PosList)):
            raise Fail("a mapping or list cannot be used as a key", self._at(mark), None)
        if value is not MERGE and value in top.obj:
            first = top.keys[value][0] + 1
            raise Fail(
                f"duplicate key '{value}' (first defined at line {first})",
                self._at(mark),
                "each key may appear once in a mapping; remove or rename one",
            )
        top.key, top.key_mark = value, mark

    def _at(self, mark: tuple[int, int]) -> Position:
        return Position(self.path, mark[0] + 1, mark[1] + 1)


def _apply_merges(target: PosDict | PosList, merges: list[tuple[Any, Position]]) -> None:
    assert isinstance(target, PosDict)
    for value, pos in merges:
        sources = value if isinstance(value, PosList) else [value]
        for source in sources:
            if not isinstance(source, PosDict):
                raise Fail("'<<' merges a mapping or a list of mappings", pos, None)
            for key, item in source.items():
                if key not in target:
                    target[key] = item
                    target.key_pos[key] = source.key_pos.get(key, pos)
                    target.val_pos[key] = source.val_pos.get(key, pos)
