"""The deck opens in LibreOffice Impress and prints one PDF page per slide (``office`` marker:
skipped without ``soffice`` unless JOURNEYMAP_NO_SKIP=1, as the Spark and browser tests are)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from tests.support import run_cli

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.office, pytest.mark.slow]


def soffice() -> str:
    """The LibreOffice program, or a skip (a failure under JOURNEYMAP_NO_SKIP=1)."""
    exe = shutil.which("soffice")
    if exe is None:
        reason = "LibreOffice is not installed (make test installs it through .ci/system-deps.sh)"
        if os.environ.get("JOURNEYMAP_NO_SKIP") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return exe


def to_pdf(deck: Path, out: Path) -> Path:
    """``soffice --headless --convert-to pdf`` with a private profile (parallel runs do not
    share LibreOffice's lock)."""
    exe = soffice()
    profile = (out / "profile").as_uri()
    subprocess.run(
        [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(deck)],
        capture_output=True, check=True, timeout=240,
    )  # fmt: skip
    return out / (deck.stem + ".pdf")


def pages(pdf: Path) -> int:
    """The page count poppler's pdfinfo reads."""
    exe = shutil.which("pdfinfo")
    if exe is None:
        pytest.skip("poppler-utils is not installed (.ci/system-deps.sh installs it)")
    info = subprocess.run([exe, str(pdf)], capture_output=True, text=True, check=True).stdout
    [line] = [x for x in info.splitlines() if x.startswith("Pages:")]
    return int(line.split()[1])


def test_deck_prints_one_page_per_slide(tmp_path: Path) -> None:
    deck = tmp_path / "shop.pptx"
    shop = ROOT / "maps" / "first-purchase.yaml"
    r = run_cli("render", str(shop), "--view", "deck", "--samples", "0", "-o", str(deck))
    assert r.code == 0, r.err
    pdf = to_pdf(deck, tmp_path)
    slides = len(Presentation(str(deck)).slides)
    assert slides == 9  # title, 7 figures slides (opportunities included), "Not in this deck"
    assert pages(pdf) == slides
    assert pdf.read_bytes().startswith(b"%PDF-")
