"""The containers of a YAML document that remember where each key and value was written.

:class:`PosDict` and :class:`PosList` are a ``dict`` and a ``list`` with positions: the
container's own (``pos``), and those of its keys and values (``key_pos``, ``val_pos``) or items
(``item_pos``). The reader (:mod:`journeymap.io.yamlbuild`) gives them the parser's marks as
``(line, column)`` pairs, counted from 0, and a :class:`~journeymap.source.Position` is made only
when a position is asked for (an error, a finding): a valid map of 2,000 touchpoints has 58,000
values, and making a ``Position`` for each was a fifth of its reading (issue 14). Code that
builds or edits a tree (includes, scenarios) reads and writes the positions as before.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload

from journeymap.source import Position

T = TypeVar("T")

MEMORY = Position("<memory>", 1, 1)
"""The position of a container made in memory, not read from a file."""


class _Placed(Generic[T]):
    """A position attribute (``pos``, ``key_pos``, ...) kept in ``_<name>``: the reader's marks
    become positions (``_place``) when it is first read or written."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _Placed[T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...
    def __get__(self, obj: object, owner: type | None = None) -> T | _Placed[T]:
        if obj is None:
            return self
        state = obj.__dict__
        if "_marks" in state:
            obj._place()  # type: ignore[attr-defined]
        value: T = state[self.slot]
        return value

    def __set__(self, obj: object, value: T) -> None:
        if "_marks" in obj.__dict__:
            obj._place()  # type: ignore[attr-defined]
        obj.__dict__[self.slot] = value


class PosDict(dict[Any, Any]):
    """A mapping read from YAML, with the position of the mapping, its keys and values.

    >>> d = PosDict({"a": 1}, pos=Position("m.yaml", 2, 1))
    >>> d.key_pos["a"] = Position("m.yaml", 2, 1)
    >>> str(d.pos), str(d.key_pos["a"]), d.val_pos
    ('m.yaml:2:1', 'm.yaml:2:1', {})
    """

    _pos: Position
    _key_pos: dict[Any, Position]
    _val_pos: dict[Any, Position]
    _marks: tuple[str, tuple[int, int], dict[Any, tuple[int, int]], dict[Any, tuple[int, int]]]
    """As read: the path, the mapping's mark, the marks of its keys and of its values."""
    pos: _Placed[Position] = _Placed("Where the mapping starts.")
    key_pos: _Placed[dict[Any, Position]] = _Placed("Where each key is written.")
    val_pos: _Placed[dict[Any, Position]] = _Placed("Where each value is written.")

    def __init__(self, *args: Any, pos: Position | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pos = pos or MEMORY
        self._key_pos = {}
        self._val_pos = {}

    def _place(self) -> None:
        """Turn the marks of the reader into positions (once, when first asked)."""
        path, (line, col), keys, values = self.__dict__.pop("_marks")
        self._pos = Position(path, line + 1, col + 1)
        self._key_pos = {k: Position(path, m[0] + 1, m[1] + 1) for k, m in keys.items()}
        self._val_pos = {k: Position(path, m[0] + 1, m[1] + 1) for k, m in values.items()}


class PosList(list[Any]):
    """A sequence read from YAML, with the position of the sequence and of each item.

    >>> items = PosList(["a"], pos=Position("m.yaml", 3, 5))
    >>> items.item_pos.append(Position("m.yaml", 3, 7))
    >>> str(items.pos), str(items.item_pos[0])
    ('m.yaml:3:5', 'm.yaml:3:7')
    """

    _pos: Position
    _item_pos: list[Position]
    _marks: tuple[str, tuple[int, int], list[tuple[int, int]]]
    """As read: the path, the sequence's mark and the marks of its items."""
    pos: _Placed[Position] = _Placed("Where the sequence starts.")
    item_pos: _Placed[list[Position]] = _Placed("Where each item is written.")

    def __init__(self, *args: Any, pos: Position | None = None) -> None:
        super().__init__(*args)
        self._pos = pos or MEMORY
        self._item_pos = []

    def _place(self) -> None:
        """Turn the marks of the reader into positions (once, when first asked)."""
        path, (line, col), items = self.__dict__.pop("_marks")
        self._pos = Position(path, line + 1, col + 1)
        self._item_pos = [Position(path, m[0] + 1, m[1] + 1) for m in items]


def read_dict(
    path: str,
    mark: tuple[int, int],
    keys: dict[Any, tuple[int, int]],
    values: dict[Any, tuple[int, int]],
) -> PosDict:
    """An empty mapping as the reader starts it: positions kept as marks (counted from 0) in
    `keys` and `values`, which the reader fills as it adds items."""
    out: PosDict = dict.__new__(PosDict)
    out._marks = (path, mark, keys, values)
    return out


def read_list(path: str, mark: tuple[int, int], items: list[tuple[int, int]]) -> PosList:
    """An empty sequence as the reader starts it (see :func:`read_dict`)."""
    out: PosList = list.__new__(PosList)
    out._marks = (path, mark, items)
    return out


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
