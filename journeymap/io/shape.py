"""Pass 1: shape. pydantic errors mapped back to YAML positions, with hints for misspelled keys."""

from __future__ import annotations

import math
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from journeymap.errors import Diagnostic, did_you_mean
from journeymap.io.yamlsafe import PosDict, locate
from journeymap.model import MAX_MAGNITUDE, JourneyMap


def _validate_map(raw: PosDict) -> tuple[JourneyMap | None, list[Diagnostic]]:
    if "journeymap" not in raw and "journeymap-data" in raw:
        return None, [
            Diagnostic(
                "this is an overlay (journeymap-data), not a map",
                raw.key_pos["journeymap-data"],
                hint="pass it with --data next to its map",
            )
        ]
    try:
        return JourneyMap.model_validate(raw), []
    except ValidationError as exc:
        return None, _diagnostics(exc, raw, JourneyMap)


_TYPE_WORDS = {
    "str",
    "int",
    "float",
    "bool",
    "list",
    "dict",
    "tuple",
    "set",
    "none",
    "constrained-str",
    "constrained-int",
    "constrained-float",
    "lax-or-strict",
}


def _is_type_tag(segment: Any) -> bool:
    if not isinstance(segment, str):
        return False
    return (
        "[" in segment
        or segment in _TYPE_WORDS
        or segment[:1].isupper()
        or segment.startswith("function-")
        or segment.startswith("literal")
    )


def _clean_loc(raw: Any, loc: tuple[Any, ...], err_type: str) -> tuple[Any, ...]:
    out: list[Any] = []
    node = raw
    for i, seg in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(node, dict) and seg in node) or (
            isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)
        ):
            out.append(seg)
            node = node[seg]
        elif _is_type_tag(seg):
            continue
        elif last and err_type in ("missing", "extra_forbidden"):
            out.append(seg)
        elif isinstance(node, dict) and isinstance(seg, (int, str)):
            # a dict key pydantic converted (an answer "1" for 1) or one that is not there
            match = [k for k in node if str(k) == str(seg)]
            if match:
                out.append(match[0])
                node = node[match[0]]
            else:
                out.append(seg)
                node = None
        else:
            out.append(seg)
            node = None
    return tuple(out)


def _diagnostics(
    exc: ValidationError, raw: PosDict, model: type[BaseModel], prefix: tuple[Any, ...] = ()
) -> list[Diagnostic]:
    errors = exc.errors(include_url=False)
    cleaned = [(_clean_loc(raw, prefix + tuple(e["loc"]), e["type"]), e) for e in errors]
    locs = [c for c, _ in cleaned]
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    for loc, err in cleaned:
        # a union member that did not fit at all, when another member got further
        if err["type"].endswith("_type") and any(o != loc and o[: len(loc)] == loc for o in locs):
            continue
        if loc in seen:
            continue
        seen.add(loc)
        out.append(_diagnostic(loc, err, raw, model))
    return out


def _path_text(loc: tuple[Any, ...]) -> str:
    text = ""
    for seg in loc:
        text += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if text else str(seg))
    return text


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, float) and math.isfinite(value) and abs(value) >= MAX_MAGNITUDE:
        return f"{value:.15g}"  # 2e+15, not 2000000000000000.0
    return repr(value)


def _diagnostic(loc: tuple[Any, ...], err: Any, raw: PosDict, model: type[BaseModel]) -> Diagnostic:
    kind = err["type"]
    where = _path_text(loc)
    value = err.get("input")
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = _allowed_keys(model, loc[:-1])
        hint = did_you_mean(str(key), allowed) or (
            f"allowed here: {', '.join(sorted(allowed))}"
            if allowed and len(allowed) <= 12
            else None
        )
        parent = _path_text(loc[:-1]) or "the top level"
        return Diagnostic(f"unknown key '{key}' in {parent}", locate(raw, loc, key=True), hint)
    pos = locate(raw, loc)
    if kind == "missing":
        parent = _path_text(loc[:-1]) or "the top level"
        return Diagnostic(f"missing required key '{loc[-1]}' in {parent}", pos)
    if kind in _MESSAGES:
        template, hint = _MESSAGES[kind]
        message = template.format(where=where, value=_show(value), document=where or "the document")
    else:
        message, hint = _message(kind, where, loc, err)
    return Diagnostic(message, pos, hint)


_COUNT_HINT = "counts are whole numbers of customers or transitions, written without quotes"
_MESSAGES: dict[str, tuple[str, str | None]] = {
    **dict.fromkeys(
        ("int_type", "int_parsing", "int_from_float"),
        ("{where} must be a whole number, got {value}", _COUNT_HINT),
    ),
    **dict.fromkeys(
        ("float_type", "float_parsing"), ("{where} must be a number, got {value}", None)
    ),
    "finite_number": ("{where} must be a finite number, got {value}", None),
    "string_too_short": ("{where} must not be empty", None),
    **dict.fromkeys(
        ("bool_type", "bool_parsing"), ("{where} must be true or false, got {value}", None)
    ),
    **dict.fromkeys(
        ("dict_type", "model_type", "model_attributes_type"),
        ("{document} must be a mapping (key: value), got {value}", None),
    ),
    **dict.fromkeys(("list_type", "tuple_type"), ("{where} must be a list, got {value}", None)),
    **dict.fromkeys(
        ("date_type", "date_parsing", "date_from_datetime_parsing"),
        ("{where} must be a date like 2026-09-30, got {value}", None),
    ),
}
"""pydantic error types whose message needs only the place and the value, with their hint."""

_BOUNDS = {
    "greater_than_equal": "at least",
    "greater_than": "more than",
    "less_than_equal": "at most",
    "less_than": "less than",
}


_MAGNITUDE_HINT = (
    "numbers in a map (money, durations, scales, limits) lie within ±10^15, where sums and "
    "products stay exact to the unit and finite"
)


def _bound(bound: Any) -> str:
    """A bound as written in a message: whole floats with thousands separators.

    >>> _bound(0), _bound(1e15), _bound(0.5)
    ('0', '1,000,000,000,000,000', '0.5')
    """
    if isinstance(bound, float) and bound.is_integer():
        return f"{int(bound):,}"
    return str(bound)


def _message(kind: str, where: str, loc: tuple[Any, ...], err: Any) -> tuple[str, str | None]:
    """Message and hint for the pydantic error types that need more than the value."""
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()), "?")
        return f"{where} must be {_BOUNDS[kind]} {_bound(bound)}, got {_show(value)}", (
            _MAGNITUDE_HINT if bound in (MAX_MAGNITUDE, -MAX_MAGNITUDE) else None
        )
    if kind == "string_type":
        quote = isinstance(value, (int, float)) and not isinstance(value, bool)
        return (
            f"{where} must be text, got {_show(value)}",
            f"quote it: '{value}'" if quote else None,
        )
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        length = f"{len(value):,} characters" if isinstance(value, str) else "too long"
        return f"{where} is too long ({length})", (
            f"at most {limit:,} characters here" if isinstance(limit, int) else None
        )
    if kind == "string_pattern_mismatch":
        return _pattern_message(where, loc, value)
    if kind == "literal_error" and where in ("journeymap", "journeymap-data"):
        return (
            f"unsupported format version {_show(value)} in '{where}'",
            "this journeymap reads format version 1",
        )
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        choices = [c.strip("'") for c in str(expected).replace(" or ", ", ").split(", ")]
        return (
            f"{where} must be one of {expected}, got {_show(value)}",
            did_you_mean(str(value), choices),
        )
    if kind in ("too_short", "too_long"):
        return f"{where}: {err['msg'][0].lower()}{err['msg'][1:]}", None
    text = str(err["msg"])
    if kind == "value_error":
        text = text.removeprefix("Value error, ")
    return (f"{where}: {text}" if where else text), None


def _pattern_message(where: str, loc: tuple[Any, ...], value: Any) -> tuple[str, str | None]:
    """A string that does not match its pattern: a currency, a check code or an id."""
    if (loc and loc[-1] == "currency") or "currency" in loc:
        return f"{where} must be an ISO 4217 code such as EUR, got {_show(value)}", None
    if "code" in loc:
        return f"{where} must be a check code such as JM101, got {_show(value)}", None
    return (
        f"{_show(value)} is not a valid id ({where})",
        "ids are made of letters, digits, '-', '_' and '.', and start with a letter or digit",
    )


def _flatten(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _flatten(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_flatten(arg))
        return out
    return [annotation]


def _fields_by_key(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or name): f.annotation for name, f in model.model_fields.items()}


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    candidates: list[Any] = [model]
    for seg in loc:
        nxt: list[Any] = []
        for cand in candidates:
            for t in _flatten(cand):
                origin = typing.get_origin(t)
                if isinstance(t, type) and issubclass(t, BaseModel):
                    fields = _fields_by_key(t)
                    if isinstance(seg, str) and seg in fields:
                        nxt.append(fields[seg])
                elif origin is dict:
                    nxt.append(typing.get_args(t)[1])
                elif origin in (list, tuple) and isinstance(seg, int):
                    args = typing.get_args(t)
                    if args:
                        nxt.append(args[0])
        candidates = nxt
    keys: set[str] = set()
    for cand in candidates:
        for t in _flatten(cand):
            if isinstance(t, type) and issubclass(t, BaseModel):
                keys.update(_fields_by_key(t))
    return sorted(keys)
