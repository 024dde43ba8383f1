"""The JSON form of the analysis' typed results: one rounding, one serializer.

:func:`rounded` rounds every float of a result to 10 significant digits once, when the
analysis ends; :func:`to_document` writes a result as JSON-ready values. Field ``metadata``
steers the serializer: ``json`` renames a key (``from_`` is ``"from"``), ``omit_none`` leaves a
None out.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Hop:
...     from_: str = field(metadata={"json": "from"})
...     share: float | None = None
>>> to_document(rounded(Hop("a", 1 / 3)))
{'from': 'a', 'share': 0.3333333333}
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import field  # noqa: F401 - used by the doctest
from typing import Any, TypeVar

T = TypeVar("T")

_escape = json.encoder.encode_basestring
"""The standard library's string escaping for ``ensure_ascii=False`` (its C version)."""


def rounded(value: T, digits: int = 10) -> T:
    """A copy with every float rounded to ``digits`` significant digits, NaN and infinities
    None, numpy scalars Python numbers; dataclasses, tuples and mappings are copied through.

    >>> rounded({"a": float("nan"), "b": (0.1 + 0.2, 3)})
    {'a': None, 'b': (0.3, 3)}
    """
    out: Any = _rounded(value, f".{digits}g")
    return out  # type: ignore[no-any-return]


_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _fields(kind: type) -> tuple[dataclasses.Field[Any], ...] | None:
    """The dataclass fields of a class (cached: a large analysis has 300,000 values), or None."""
    found = _FIELDS.get(kind)
    if found is None:
        if not dataclasses.is_dataclass(kind):
            return None
        found = _FIELDS[kind] = dataclasses.fields(kind)
    return found


_NAMES: dict[type, tuple[str, ...] | None] = {}


def _copied_names(kind: type) -> tuple[str, ...] | None:
    """The field names of a dataclass whose instances keep their fields in ``__dict__`` (all of
    the analysis' results), so :func:`_rounded` copies one dict; None for anything else."""
    if kind not in _NAMES:
        fields = _fields(kind)
        _NAMES[kind] = (
            None
            if fields is None or "__dict__" not in dir(kind) or hasattr(kind, "__slots__")
            else tuple(f.name for f in fields)
        )
    return _NAMES[kind]


_PLAIN = frozenset({str, bool, int, type(None)})
"""Types :func:`_rounded` passes through as they are (``int`` exactly: a numpy integer is not)."""


def _rounded(value: Any, spec: str) -> Any:
    kind = type(value)
    if kind is float:
        return _number(value, spec)
    if kind in _PLAIN:
        return value
    names = _copied_names(kind)
    if names is not None:
        # a copy with the rounded values, as dataclasses.replace without re-running __init__:
        # the values are the same numbers, rounded, so the checks in __post_init__ still hold.
        # Fields that are plain text or whole numbers are copied without a call (most are).
        fields = value.__dict__
        out = {}
        for name in names:
            item = fields[name]
            item_kind = type(item)
            if item_kind is float:
                item = _number(item, spec)
            elif item_kind not in _PLAIN:
                item = _rounded(item, spec)
            out[name] = item
        copy = object.__new__(kind)
        copy.__dict__.update(out)
        return copy
    if kind is tuple or kind is list:
        items = [
            v if type(v) in _PLAIN else _number(v, spec) if type(v) is float else _rounded(v, spec)
            for v in value
        ]
        return items if kind is list else tuple(items)
    return _other(value, spec)


def _other(value: Any, spec: str) -> Any:
    """:func:`_rounded` of anything but a float, a plain value, a results dataclass, a tuple or
    a list: subclasses of those, mappings, other dataclasses, numpy scalars."""
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _number(value, spec)
    fields = _fields(type(value))
    if fields is not None:
        copy = object.__new__(type(value))
        for f in fields:
            object.__setattr__(copy, f.name, _rounded(getattr(value, f.name), spec))
        return copy
    if isinstance(value, Mapping):
        return {k: _rounded(v, spec) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_rounded(v, spec) for v in value)
    dtype = getattr(value, "dtype", None)
    if dtype is not None and dtype.kind in "iu":
        return int(value)
    if dtype is not None and dtype.kind == "b":
        return bool(value)
    return _number(float(value), spec)


def _number(f: float, spec: str) -> float | None:
    if not math.isfinite(f):
        return None
    if f == 0:
        return 0.0
    return float(format(f, spec))


def to_document(value: Any) -> Any:
    """The JSON form of a result: the one serializer of the analysis.

    Dataclasses become objects in field order (``metadata`` ``json`` renames a key,
    ``omit_none`` drops a None), tuples become lists, mapping keys strings. Numbers are
    written as they are (:func:`rounded` rounded them when the analysis ended). A part whose
    keys depend on which inputs a map declares (``metrics``) gives its form by ``to_json()``.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    plan = _PLANS.get(kind)
    if plan is None:
        plan = _PLANS[kind] = _plan(kind)
    if plan is _OWN_FORM:
        return to_document(value.to_json())
    if plan is not _NO_PLAN:
        out: dict[str, Any] = {}
        for name, key, omit_none in plan:
            item = getattr(value, name)
            if type(item) in _SCALARS:
                if item is None and omit_none:
                    continue
                out[key] = item
            else:
                out[key] = to_document(item)
        return out
    if isinstance(value, Mapping):
        return {str(k): to_document(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [v if type(v) in _SCALARS else to_document(v) for v in value]
    return value


_SCALARS = frozenset({float, int, str, bool, type(None)})
"""Types :func:`to_document` writes as they are (exactly these: a subclass goes the long way)."""

_Plan = tuple[tuple[str, str, bool], ...]
_OWN_FORM: _Plan = (("", "", False),)
"""The plan of a class that gives its own JSON form (``to_json``)."""
_NO_PLAN: _Plan = ()
"""The plan of a class that is no dataclass (a mapping, a sequence, anything else)."""
_PLANS: dict[type, _Plan] = {}


def _plan(kind: type) -> _Plan:
    """How :func:`to_document` writes an instance of ``kind``: its own ``to_json``, or each
    field's ``(name, key, omit_none)`` read once from the field metadata."""
    if hasattr(kind, "to_json") and not issubclass(kind, type):
        return _OWN_FORM
    fields = _fields(kind)
    if fields is None:
        return _NO_PLAN
    return tuple(
        (f.name, f.metadata.get("json", f.name), bool(f.metadata.get("omit_none"))) for f in fields
    )


def encode(doc: Any) -> str:
    """``json.dumps(doc, ensure_ascii=False, indent=2)``, character for character, about three
    times faster on a large analysis (9.7 MB for 2,000 touchpoints): the standard library
    writes an indented document with its pure-Python encoder (generators nested as deep as the
    document), this one appends to one list. Strings go through the standard library's own C
    escaping, numbers through ``repr``. A value it does not know (not JSON data, a non-text
    key) is left to ``json.dumps``, which says what is wrong.

    >>> doc = {"a": [1, 2.5, None, True], "b": {}, "c": "Café \\"x\\"", "d": []}
    >>> encode(doc) == json.dumps(doc, ensure_ascii=False, indent=2)
    True
    """
    out: list[str] = []
    try:
        _encode(doc, out, "\n")
    except (_NotPlain, TypeError):  # TypeError: the C encoder met a value that is not JSON
        return json.dumps(doc, ensure_ascii=False, indent=2)
    return "".join(out)


class _NotPlain(Exception):
    """A value :func:`encode` leaves to ``json.dumps``."""


def _scalar(value: Any) -> str:
    """A JSON scalar as ``json.dumps`` writes it (the order of its checks: str, None, True,
    False, int, float)."""
    if isinstance(value, str):
        return _escape(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value or value in (math.inf, -math.inf):
            raise _NotPlain
        return float.__repr__(value)
    raise _NotPlain


def _flat(value: dict[Any, Any] | list[Any] | tuple[Any, ...], newline: str) -> str | None:
    """A non-empty container of scalars at this indent, written by the standard library's C
    encoder: with the separator ``",\n" + indent`` its one-line form is the indented form but
    for the line breaks after the opening and before the closing bracket. None when an item
    is itself a container (one separator cannot serve two levels)."""
    items = value.values() if isinstance(value, dict) else value
    if not _SCALARS.issuperset(map(type, items)):
        for item in items:
            if isinstance(item, (list, tuple, dict)):
                return None
    inner = newline + "  "
    text = "".join(_encoder(inner)(value, 0))
    return text[0] + inner + text[1:-1] + newline + text[-1]


def _flat_rows(value: list[Any] | tuple[Any, ...], newline: str) -> str | None:
    """A list of non-empty objects of scalars (the edges of a map: rows of one table) in one call
    of the C encoder, with the objects' item separator everywhere: between two objects it
    writes ``}`` + separator + ``{``, which nothing else can (a scalar never ends in ``}``, an
    encoded string holds no line break), so one replacement indents the objects one level
    less. None when an item is anything else."""
    for item in value:
        if type(item) is not dict or not item or not _SCALARS.issuperset(map(type, item.values())):
            return None
    inner = newline + "  "
    deeper = inner + "  "
    text = "".join(_encoder(deeper)(value, 0))  # "[{" + ... + "}" + "," + deeper + "{" ... "}]"
    body = text[2:-2].replace("}," + deeper + "{", inner + "}," + inner + "{" + deeper)
    return "[" + inner + "{" + deeper + body + inner + "}" + newline + "]"


_FLAT: dict[str, Any] = {}


def _encoder(inner: str) -> Any:
    """The C encoder with the item separator ``"," + inner``, made once per indent."""
    encoder = _FLAT.get(inner)
    if encoder is None:
        encoder = _FLAT[inner] = _one_line(inner)
    return encoder


def _one_line(inner: str) -> Any:
    """The standard library's C encoder with the item separator ``"," + inner`` (made once per
    indent: ``JSONEncoder.encode`` would make it again for every container)."""
    separators = ("," + inner, ": ")
    make = json.encoder.c_make_encoder  # type: ignore[attr-defined]
    if make is None:  # pragma: no cover - CPython always has it
        return json.JSONEncoder(ensure_ascii=False, separators=separators).iterencode
    return make(None, None, _escape, None, separators[1], separators[0], False, False, True)


def _encode(value: Any, out: list[str], newline: str) -> None:
    if isinstance(value, (list, tuple, dict)) and value:
        flat = _flat(value, newline)
        if flat is not None:
            out.append(flat)
            return
    if isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        rows = _flat_rows(value, newline)
        if rows is not None:
            out.append(rows)
            return
        inner = newline + "  "
        out.append("[" + inner)
        first = True
        for item in value:
            if not first:
                out.append("," + inner)
            first = False
            if isinstance(item, (list, tuple, dict)):
                _encode(item, out, inner)
            else:
                out.append(_scalar(item))
        out.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        out.append("{" + inner)
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain  # json.dumps turns numbers and None into text keys
            if not first:
                out.append("," + inner)
            first = False
            out.append(_escape(key) + ": ")
            if isinstance(item, (list, tuple, dict)):
                _encode(item, out, inner)
            else:
                out.append(_scalar(item))
        out.append(newline + "}")
    else:
        out.append(_scalar(value))
