"""Line breaking by script (journeymap.render.linebreak): kinsoku, hyphenation, Latin unchanged."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.io import load_map
from journeymap.render.fonts import is_cjk
from journeymap.render.linebreak import (
    ASCII_CLOSERS,
    CLOSERS,
    OPENERS,
    Wrapped,
    break_class,
    cells,
    hyphen_points,
    units,
    wrap,
)
from journeymap.render.scene import map_text

MAPS = Path(__file__).resolve().parents[2] / "maps"
EXAMPLES = sorted(p for p in MAPS.rglob("*.yaml") if p.parent.name not in ("overlays", "shared"))


# ------------------------------------------------------------------ hand-worked examples


def test_a_closing_mark_never_starts_a_line_and_an_opening_one_never_ends_it() -> None:
    # 8 cells: 請確認 (6) + 「 would end the line with an opener; 。 would start one
    assert wrap("請確認「運費」。謝謝！", 8, cells).texts == ["請確認", "「運", "費」。謝", "謝！"]
    # the old rule broke anywhere between CJK characters: "請確認「" / "運費」。" / "謝謝！"


def test_ascii_closers_after_cjk_and_curly_quotes_follow_the_same_rules() -> None:
    # "?" after 嗎 and the opener "“" before 再 hold 嗎?“再 together (two non-CJK marks
    # between them: no break); the old rule made "?“" a token of its own that started a line
    assert wrap("付款失敗了嗎?“再試”", 7, cells).texts == ["付款失", "敗了", "嗎?“再", "試”"]


def test_a_latin_word_inside_cjk_text_stays_whole() -> None:
    assert units("用LINE Pay付款") == ["用", "LINE ", "Pay", "付", "款 "]
    assert wrap("請用iPhone15結帳", 8, cells).texts == ["請用", "iPhone15", "結帳"]


def test_spaces_do_not_open_a_break_before_a_closer_in_cjk_text() -> None:
    # UAX #14 LB13: "× CL" even after spaces
    assert units("運費 」") == ["運", "費 」 "]


def test_russian_words_break_at_their_hyphenation_points_with_a_hyphen() -> None:
    # pyphen ru_RU: по-сле-до-ва-тель-ность (the dictionary leaves "тельность" whole at 13)
    assert hyphen_points("последовательность") == tuple((p, True) for p in (2, 5, 7, 9, 13))
    w = wrap("Оплата последовательности", 10, cells, lang="ru")
    assert w.texts == ["Оплата по-", "следова-", "тельности"]
    assert [ln.hyphen for ln in w.lines] == [True, True, False]
    assert not w.broke  # hyphenation is a rule, not a cut


def test_a_compound_breaks_after_its_own_hyphen_without_a_second_one() -> None:
    w = wrap("интернет-магазин", 10, cells, lang="ru")
    assert w.texts == ["интернет-", "магазин"]
    assert [ln.hyphen for ln in w.lines] == [False, False]


def test_latvian_words_hyphenate_only_in_a_latvian_map() -> None:
    assert wrap("saskarsmes punkti", 8, cells, lang="lv").texts == ["saskar-", "smes", "punkti"]
    # the same words in an English map: the old rule (cut where the line is full, a hyphen)
    assert wrap("saskarsmes punkti", 8, cells, lang="en").texts == ["saskars-", "mes", "punkti"]


def test_a_piece_with_no_break_stays_whole_and_alone() -> None:
    w = wrap("一「二」三", 2, cells, lang="zh-Hant")
    assert w.texts == ["一", "「二」", "三"]


def test_classes() -> None:
    assert {break_class(c) for c in CLOSERS | ASCII_CLOSERS} == {"CL"}
    assert {break_class(c) for c in OPENERS} == {"OP"}
    assert break_class("漢") == "ID" and break_class("ж") == "AL" and break_class("\u0301") == "CM"


# ------------------------------------------------------------------ the old rule, for Latin


def _old_wrap(measure: Callable[[str], float], text: str, width: float) -> tuple[list[str], bool]:
    """The wrapper of journeymap.render.mpl before line breaking by script (Latin path)."""
    lines: list[str] = []
    broke = False
    space = measure("n n") - measure("nn")
    for para in text.split("\n"):
        line = ""
        line_w = 0.0
        for tok in [w + " " for w in para.split(" ") if w]:
            tok_w = measure(tok.rstrip()) + (space if tok.endswith(" ") else 0.0)
            trail = space if tok.endswith(" ") else 0.0
            if line and line_w + tok_w - trail > width:
                lines.append(line.rstrip())
                line, line_w = tok, tok_w
            else:
                line, line_w = line + tok, line_w + tok_w
            while (
                len(line.rstrip()) > 1 and line_w - (space if line.endswith(" ") else 0.0) > width
            ):
                broke = True
                cut = len(line.rstrip())
                while cut > 1 and measure(line[:cut] + "-") > width:
                    cut -= 1
                hyphen = "-" if line[cut - 1].isalpha() and line[cut].isalpha() else ""
                lines.append(line[:cut] + hyphen)
                line = line[cut:]
                line_w = measure(line.rstrip()) + (space if line.endswith(" ") else 0.0)
        if line.strip():
            lines.append(line.rstrip())
    return lines, broke


@cache
def _measurer(path: Path | None = None) -> Callable[[str], float]:
    """The canvas's measure at 8 pt, with the fonts of the map at `path` (DejaVu without)."""
    from matplotlib.figure import Figure

    from journeymap.render.mpl import Measurer, style
    from journeymap.render.scene import build_scene

    if path is None:
        m = Measurer(Figure())
    else:
        with style(build_scene(load_map(path).map)):
            m = Measurer(Figure())
            m.width(map_text(load_map(path).map).replace("\n", ""), 8.0)  # glyphs of its fonts
    return lambda s: m.width(s, 8.0)


LATIN = st.text(alphabet=st.sampled_from("abcdefghij KLMNOP-.,()!?'é\n"), min_size=0, max_size=80)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=LATIN, width=st.floats(min_value=4, max_value=120))
def test_latin_text_of_an_english_map_wraps_exactly_as_before(text: str, width: float) -> None:
    for measure in (cells, _measurer()):
        w = wrap(text, width, measure, lang="en")
        assert (w.texts, w.broke) == _old_wrap(measure, text, width)


# ------------------------------------------------------------------ the rules, as properties


def _normal(text: str) -> str:
    paras = [" ".join(w for w in p.split(" ") if w).rstrip() for p in text.split("\n")]
    return "\n".join(p for p in paras if p.strip())


def _check(text: str, width: float, measure: Callable[[str], float], w: Wrapped) -> None:
    lines = w.lines
    rebuilt = "".join((ln.text[:-1] if ln.hyphen else ln.text) + ln.joiner for ln in lines)
    assert rebuilt.rstrip("\n") == _normal(text)
    for i, ln in enumerate(lines):
        if any(is_cjk(c) for c in ln.text) or (i and any(is_cjk(c) for c in lines[i - 1].text)):
            if i and lines[i - 1].joiner != "\n" and ln.text:
                assert break_class(ln.text[0]) != "CL", (ln, lines[i - 1])
            if ln.joiner != "\n" and not ln.hyphen and ln.text:
                assert break_class(ln.text[-1]) != "OP", ln
        if measure(ln.text) > width:  # only a piece with nowhere to break may stick out
            assert len(units(ln.text, "zh-Hant")) == 1 or len(ln.text) == 1, (ln, width)


def _labels(path: Path) -> list[str]:
    return [t for t in map_text(load_map(path).map).split("\n") if t.strip()]


def test_every_example_map_is_in_the_property_test() -> None:
    langs = {load_map(p).map.language for p in EXAMPLES}
    assert langs == {"en", "ru", "lv", "zh-Hans", "zh-Hant"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_label_of_every_example_map_obeys_the_rules(path: Path) -> None:
    measure, lang = _measurer(path), load_map(path).map.language
    for label in _labels(path):
        for width in (24.0, 40.0, 61.0, 95.0):
            for m, wd in ((measure, width), (cells, width / 4)):
                _check(label, wd, m, wrap(label, wd, m, lang=lang))


CJK = st.text(
    alphabet=st.sampled_from(
        "購物車結帳運費網站會員客服顧客旅程接觸點痛點的了嗎"
        "、。，：；？！）」』】》”’（「『【《“‘ー々ぁっ"
        "ABC12 )]},.:;?!(\n"
    ),
    max_size=60,
)
CYRILLIC = st.text(
    alphabet=st.sampled_from("абвгдеёжзийклмнопрстуфхцчшщъыьэюяПутьклиента -«»,.?!()\n"),
    max_size=80,
)
LATVIAN = st.text(
    alphabet=st.sampled_from("aābcčdeēfgģhiījkķlļmnņoprsštuūvzž -,.?!()\n"), max_size=80
)


@settings(max_examples=400, deadline=None)
@given(
    text_lang=st.one_of(
        st.tuples(CJK, st.sampled_from(["zh-Hant", "zh-Hans", "en"])),
        st.tuples(CYRILLIC, st.just("ru")),
        st.tuples(LATVIAN, st.just("lv")),
    ),
    width=st.floats(min_value=2, max_value=40),
    cut_long=st.booleans(),
)
def test_random_cjk_cyrillic_and_latvian_text_obeys_the_rules(
    text_lang: tuple[str, str], width: float, cut_long: bool
) -> None:
    text, lang = text_lang
    w = wrap(text, width, cells, lang=lang, cut_long=cut_long)
    if cut_long:
        _check(text, width, cells, w)
    else:  # nothing is cut by characters: only spaces, kinsoku breaks and hyphenation points
        rebuilt = "".join((ln.text[:-1] if ln.hyphen else ln.text) + ln.joiner for ln in w.lines)
        assert rebuilt.rstrip("\n") == _normal(text)
        assert not w.broke


def test_the_example_of_the_docs_prints_what_it_says() -> None:
    import contextlib
    import io
    import re

    page = (MAPS.parent / "docs" / "render.md").read_text(encoding="utf-8")
    section = page.split("## Line breaking", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "docs/render.md", "exec"), {})
    expected = [m.group(1).strip() for m in re.finditer(r"print\(.*\)\s+# (.*)", block)]
    assert out.getvalue().splitlines() == expected


def test_a_no_break_space_before_an_ideograph_is_a_piece_of_its_own() -> None:
    # it was an IndexError: the piece "\xa0" has no last character once stripped
    assert "".join(units("\xa0客户", "zh")) == "\xa0客户 "
