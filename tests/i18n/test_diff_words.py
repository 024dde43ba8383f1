"""`journeymap diff` writes the structural changes in the run's language (the analysis' change
details are Texts: report/checks.py prints ``detail_in(t)`` and ``notes_in(t)``), English by
default and in every machine format."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from journeymap.i18n import translator
from tests.support import MAPS, run_cli


@pytest.fixture
def renamed(tmp_path: Path) -> Path:
    """first-purchase with its touchpoint 'cart' renamed 'basket' (no ``formerly``), so the
    diff has one touchpoint added, one removed and the transitions around them."""
    shutil.copytree(MAPS / "shared", tmp_path / "shared")
    text = (MAPS / "first-purchase.yaml").read_text(encoding="utf-8")
    out = tmp_path / "renamed.yaml"
    out.write_text(re.sub(r"\bcart\b(?!-)", "basket", text), encoding="utf-8")
    return out


def test_diff_changes_in_russian_and_english(renamed: Path) -> None:
    old = str(MAPS / "first-purchase.yaml")
    ru = run_cli("diff", old, str(renamed), "--lang", "ru")
    en = run_cli("diff", old, str(renamed))
    assert ru.code == en.code == 0, ru.err + en.err
    assert "touchpoint 'basket' is new" in en.out
    assert "touchpoint 'cart' is gone" in en.out
    # the Russian lines are the catalogue's translations of the same msgids, filled in
    t = translator("ru")
    added = t.gettext("touchpoint '{tid}' is new").format(tid="basket")
    gone = t.gettext("touchpoint '{tid}' is gone").format(tid="cart")
    assert added != "touchpoint 'basket' is new"
    assert f"ADDED               {added}" in ru.out
    assert f"REMOVED             {gone}" in ru.out
    assert "is new" not in ru.out and "is gone" not in ru.out


def test_diff_markdown_changes_in_chinese(renamed: Path) -> None:
    res = run_cli(
        "diff", str(MAPS / "first-purchase.yaml"), str(renamed), "--format", "markdown",
        "--lang", "zh-Hant",
    )  # fmt: skip
    assert res.code == 0, res.err
    added = translator("zh-Hant").gettext("touchpoint '{tid}' is new").format(tid="basket")
    assert f"- ADDED: {added}" in res.out
    assert "is new" not in res.out


def test_diff_numbers_in_the_locale() -> None:
    """The compared figures use the language's separators and unit (``4,8 %``, ``п. п.``);
    English keeps ``4.8%`` and ``pp``. The conversion of first-purchase is 4,150 / 87,200."""
    en_map, ru_map = str(MAPS / "first-purchase.yaml"), str(MAPS / "ru" / "first-purchase.ru.yaml")
    ru = run_cli("diff", en_map, ru_map, "--lang", "ru")
    en = run_cli("diff", en_map, ru_map, "--lang", "en")
    assert ru.code == en.code == 0, ru.err + en.err
    rate = f"{4150 / 87200:.1%}"  # 4.8%
    assert f"{rate} -> {rate}" in en.out and "+0.0 pp" in en.out
    ru_rate = rate.replace(".", ",").replace("%", "\xa0%")
    assert f"{ru_rate} -> {ru_rate}" in ru.out
    assert "+0,0 п. п." in ru.out and " pp " not in ru.out
