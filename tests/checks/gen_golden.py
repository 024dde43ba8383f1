"""Regenerate the golden outputs of ``journeymap check`` (one file per format).

    .venv/bin/python tests/checks/gen_golden.py

The files in tests/checks/golden/*.out are generated, never edited by hand; test_formats.py
compares a fresh run with them byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path("tests/checks/golden")
FORMATS = ["text", "json", "markdown", "github", "junit", "sarif"]


def args(fmt: str) -> list[str]:
    return [
        "check",
        str(GOLDEN / "shop.yaml"),
        "--baseline",
        str(GOLDEN / "shop-q2.yaml"),
        "--format",
        fmt,
    ]


def run(fmt: str) -> tuple[int, str]:
    """Run ``journeymap check`` in this process from the repository root."""
    sys.path.insert(0, str(ROOT))
    from tests.checks.inproc import run_inproc

    r = run_inproc(*args(fmt), cwd=ROOT)
    return r.code, r.out


def main() -> None:
    for fmt in FORMATS:
        code, out = run(fmt)
        assert code == 1, (fmt, code)
        (ROOT / GOLDEN / f"shop.{fmt}.out").write_text(out, encoding="utf-8")
        print(f"wrote {GOLDEN}/shop.{fmt}.out")


if __name__ == "__main__":
    main()
