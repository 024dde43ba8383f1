"""An export with bytes that are not UTF-8 is refused at the first such byte's line and column
(``source.undecodable``; the fuzz suite found `import` and `ingest-survey` naming only the file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from journeymap.source import Position, undecodable
from tests.support import MAPS, Result

# line 3 holds "A,é1" and then the byte 0xff: 4 characters before it, so column 5
BAD = "\ufeffStep,Users\n# a comment\nA,é1".encode() + b"\xff0\n"


def _replaced_at(data: bytes) -> tuple[int, int]:
    """The same place found another way: Python's own replacement character, by line."""
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    for number, line in enumerate(text.splitlines(), start=1):
        if "\ufffd" in line:
            return number, line.index("\ufffd") + 1
    raise AssertionError("no undecodable byte")


def test_the_position_is_the_first_bad_byte() -> None:
    data = BAD.removeprefix(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError) as err:
        data.decode("utf-8")
    assert undecodable("f.csv", data, err.value) == Position("f.csv", 3, 5)
    assert _replaced_at(BAD) == (3, 5)


@pytest.mark.parametrize(
    ("command", "hint"),
    [
        (["import", "funnel", "{f}", "--steps", "product-page"], "export the report as UTF-8 CSV"),
        (["ingest-survey", "{f}"], "export the survey as UTF-8 CSV"),
    ],
)
def test_exports_point_at_the_byte(
    tmp_path: Path, cli: Callable[..., Result], command: list[str], hint: str
) -> None:
    f = tmp_path / "export.csv"
    f.write_bytes(BAD)
    args = [a.format(f=f) for a in command]
    r = cli(*args, "--map", str(MAPS / "first-purchase.yaml"))
    assert (r.code, r.out) == (2, "")
    assert r.err == f"{f}:3:5: not UTF-8 text (byte 0xff); {hint}\n"
