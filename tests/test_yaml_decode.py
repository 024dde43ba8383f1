"""A map's bytes that are not UTF-8, and characters YAML cannot read, are refused at their line
and column through the one definition of a position in a text (``source.at`` and
``source.undecodable``, which the exports use too); the column counts characters, not bytes.
Each place is found a second way: Python's replacement character, or the character's index."""

from __future__ import annotations

import pytest

from journeymap.errors import MapError
from journeymap.io.yamlsafe import parse_yaml
from journeymap.source import Position, at

# line 2 is "name: 'Café " (12 characters, 13 bytes) and then the byte 0xe9: column 13
BAD = "\ufeffid: shop\nname: 'Café ".encode() + b"\xe9'\n"


def _replaced_at(data: bytes) -> tuple[int, int]:
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    for number, line in enumerate(text.splitlines(), start=1):
        if "\ufffd" in line:
            return number, line.index("\ufffd") + 1
    raise AssertionError("no undecodable byte")


def test_a_byte_that_is_not_utf8_is_placed_in_characters_after_a_bom() -> None:
    with pytest.raises(MapError) as err:
        parse_yaml(BAD, "m.yaml")
    d = err.value.diagnostics[0]
    assert d.position is not None
    assert d.headline() == (
        "m.yaml:2:13: the file is not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    )
    assert (d.position.line, d.position.col) == _replaced_at(BAD) == (2, 13)


def test_an_unreadable_character_is_placed_where_it_stands() -> None:
    text = "id: shop\nname: 'Ca\x07fé'\n"
    with pytest.raises(MapError) as err:
        parse_yaml(text.encode(), "m.yaml")
    d = err.value.diagnostics[0]
    assert d.position == Position("m.yaml", 2, 10)
    assert text.splitlines()[1].index("\x07") + 1 == 10
    assert d.headline() == (
        "m.yaml:2:10: unreadable character U+0007 in the file; remove control characters"
    )


def test_at_counts_lines_and_characters() -> None:
    assert at("f", "ab\ncdé\nx", 6) == Position("f", 2, 4)  # the newline after 'é'
    assert at("f", "", 0) == Position("f", 1, 1)
