"""The portfolio's fixed strings have translations in every catalogue, and the human outputs
use them (``--lang``)."""

from __future__ import annotations

import ast
from pathlib import Path

from journeymap.analysis.opportunity_words import CONTEXT
from journeymap.i18n import LANGUAGES, translator
from tests.support import ROOT, run_cli

MODULES = [
    ROOT / "journeymap" / "analysis" / "opportunity_words.py",
    ROOT / "journeymap" / "report" / "opportunities.py",
    ROOT / "journeymap" / "render" / "opportunity_chart.py",
    ROOT / "journeymap" / "render" / "report_opportunities.py",
]


def _messages(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """Literal msgids of N_/pgettext and (singular, plural) of ngettext in one module."""
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
        args = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if name == "N_" and args:
            singles.add(args[0])
        elif name in ("pgettext", "NC_") and args:
            singles.add(args[-1])
        elif name == "ngettext" and len(args) >= 2:
            plurals.add((args[0], args[1]))
    return singles, plurals


def test_every_message_is_translated_in_every_language() -> None:
    singles: set[str] = set()
    plurals: set[tuple[str, str]] = set()
    for path in MODULES:
        s, p = _messages(path)
        singles |= s
        plurals |= p
    assert len(singles) >= 40 and len(plurals) == 4  # the walk sees the modules' messages
    for lang in LANGUAGES[1:]:
        t = translator(lang)
        missing = [m for m in sorted(singles) if t.pgettext(CONTEXT, m) == m]
        missing += [sg for sg, pl in sorted(plurals) if t.ngettext(sg, pl, 5) in (sg, pl)]
        assert missing == [], lang


def test_the_table_in_russian() -> None:
    r = run_cli(
        "opportunities",
        str(ROOT / "maps" / "first-purchase.yaml"),
        "--samples",
        "0",
        "--lang",
        "ru",
    )
    assert r.code == 0, r.err
    assert "Ценность на кону" in r.out and "Ответственный" in r.out


def test_an_unknown_language_is_a_usage_error() -> None:
    r = run_cli("opportunities", str(ROOT / "maps" / "first-purchase.yaml"), "--lang", "xx")
    assert r.code == 2 and "unknown language 'xx' for --lang" in r.err
