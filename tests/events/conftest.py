from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def log(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV log: rows are tuples (user, timestamp, event, *extra)."""

    def _log(
        rows: list[tuple[str, ...]],
        name: str = "log.csv",
        header: tuple[str, ...] = ("user_id", "timestamp", "event"),
    ) -> Path:
        path = tmp_path / name
        lines = [",".join(header)] + [",".join(r) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return _log
