"""Line breaking by script: where a text may break, and a greedy wrapper over any width measure.

One wrapper serves every view that wraps text to a width: the canvas cells and persona cards
and the chart labels (:func:`journeymap.render.mpl.wrap`, widths from the font metrics) and the
graph's node labels (:mod:`journeymap.render.dot`, widths in character cells).

The rules, by script:

- **Latin text of an English map** wraps exactly as it always has: at spaces; a word wider than
  the line is cut at the last character that fits, with a hyphen between two letters.
- **East Asian text** (kinsoku shori, JIS X 4051 section 6.1; W3C *Requirements for Chinese Text
  Layout* (clreq) section 3.1.7; W3C *Requirements for Japanese Text Layout* (jlreq) 3.1.7): a
  line may break between any two ideographs (kana, hangul), except that closing punctuation
  (:data:`CLOSERS`, and ASCII ``) ] } , . : ; ? !``) never starts a line and opening
  punctuation (:data:`OPENERS`) never ends one. A run of Latin letters or digits inside CJK text
  is one unit and is not split. This is a small subset of the pair table of Unicode Standard
  Annex #14 (*Unicode Line Breaking Algorithm*), with the classes of :func:`break_class`:
  OP (LB14: no break after, even before spaces), CL standing for CL, CP, EX, IS and NS (LB13,
  LB16, LB21: no break before, even after spaces), CM (LB9: marks stay with their base), ID
  (LB31: break before and after) and AL (LB28: letters and digits do not break among
  themselves).
- **Russian and Latvian words** (any Cyrillic word, and Latin words of a Latvian map) break at
  the hyphenation points of pyphen's ``ru_RU`` and ``lv_LV`` dictionaries (the Hunspell/LibreOffice
  patterns, Liang's algorithm) with a hyphen at the break, and after a hyphen they already
  contain, when the word is wider than a whole line (a word that fits a line moves to the next
  one, as in English): at least two letters stay behind and three go forward (Bringhurst,
  *The Elements of Typographic Style*, 2.4.2), and no more than three hyphenated lines end
  a word's head on the line before (2.4.3). Only a piece with no hyphenation
  point that fits is cut by characters, where a break is allowed.

Widths are additive: ``measure(a + b) == measure(a) + measure(b)`` (the font metrics sum the
advances of the characters; cells count them).

>>> wrap("請確認「運費」。謝謝！", 8, cells).texts  # not '請確認「' nor '。謝謝！'
['請確認', '「運', '費」。謝', '謝！']
>>> wrap("Оплата последовательности", 10, cells, lang="ru").texts
['Оплата по-', 'следова-', 'тельности']
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from journeymap.render.fonts import is_cjk

CLOSERS = frozenset(
    "、。，．：；？！）］｝〕〉》」』】〙〗〟’”｠»ヽヾーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖ々〻‐゠–〜～"
)
"""Characters that never start a line (JIS X 4051 6.1.1 and clreq 3.1.7: closing brackets and
quotes, full stops, commas, colons, question and exclamation marks, small kana, iteration marks,
prolonged sound mark, hyphens and wave dashes)."""
ASCII_CLOSERS = frozenset(")]},.:;?!")
"""ASCII punctuation that never starts a line either (UAX #14 classes CP, IS, EX, CL)."""
OPENERS = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«")
"""Characters that never end a line (JIS X 4051 6.1.2: opening brackets and quotes)."""

Measure = Callable[[str], float]
MAX_HYPHENS = 3
"""After three hyphenated lines in a row, a long word starts on a line of its own (Bringhurst,
*The Elements of Typographic Style*, 2.4.3: at most three consecutive hyphenated lines)."""

_DICTIONARIES = {"ru": "ru_RU", "lv": "lv_LV"}


def cells(text: str) -> float:
    """Width in character cells, CJK characters two (East Asian Wide): for text whose font
    is not measured here (graphviz labels, lines of a fixed character budget).

    >>> cells("運費 OK")
    7.0
    """
    return float(sum(2 if is_cjk(c) else 1 for c in text))


_LETTERS = re.compile(r"[^\W\d_]+")


def break_class(ch: str) -> str:
    """The UAX #14 line-break class of a character, reduced to OP, CL, CM, ID and AL.

    >>> [break_class(c) for c in "「漢」。a)(́"]
    ['OP', 'ID', 'CL', 'CL', 'AL', 'CL', 'OP', 'CM']
    """
    cat = unicodedata.category(ch)
    if ch in OPENERS or cat == "Ps":
        return "OP"
    if ch in CLOSERS or ch in ASCII_CLOSERS or cat == "Pe":
        return "CL"
    if cat.startswith("M"):
        return "CM"
    return "ID" if is_cjk(ch) else "AL"


def may_break(before: str, after: str) -> bool:
    """Whether a line may break between two adjacent characters written without a space."""
    if break_class(after) in ("CL", "CM") or break_class(before) == "OP":
        return False
    return is_cjk(before) or is_cjk(after)


def _strict(paragraph: str, lang: str | None) -> bool:
    """Whether the script rules apply: a map not in English, or a paragraph with CJK in it."""
    return (lang not in (None, "en")) or any(is_cjk(c) for c in paragraph)


def units(paragraph: str, lang: str | None = None) -> list[str]:
    """The unbreakable pieces of one paragraph, each with its trailing space if one follows.

    >>> units("Cart page"), units("購物車（結帳）。OK", "zh-Hant")
    (['Cart ', 'page '], ['購', '物', '車', '（結', '帳）。', 'OK '])
    """
    out: list[str] = []
    for word in paragraph.split(" "):
        if not word:
            continue
        if not any(is_cjk(c) for c in word):
            out.append(word + " ")
            continue
        start = 0
        for i in range(1, len(word)):
            if may_break(word[i - 1], word[i]):
                out.append(word[start:i])
                start = i
        out.append(word[start:] + " ")
    return _glue(out) if _strict(paragraph, lang) else out


def _glue(pieces: list[str]) -> list[str]:
    """Join a piece that starts with a closer to the one before, and one that ends with an
    opener to the one after (UAX #14 LB13, LB14: even across spaces)."""
    out: list[str] = []
    for piece in pieces:
        before = out[-1].rstrip() if out else ""  # a piece of only spaces (U+00A0) has no end
        if out and (
            break_class(piece[0]) in ("CL", "CM") or (before and break_class(before[-1]) == "OP")
        ):
            out[-1] += piece
        else:
            out.append(piece)
    return out


class _Hyphenator(Protocol):
    def positions(self, word: str) -> list[int]: ...


@functools.cache
def _pyphen(dictionary: str) -> _Hyphenator:
    import pyphen  # type: ignore[import-untyped]  # pyphen ships no type information

    hyphenator: _Hyphenator = pyphen.Pyphen(lang=dictionary, left=2, right=3)
    return hyphenator


def _dictionary(run: str, lang: str | None) -> str | None:
    if all("\u0400" <= c <= "\u052f" for c in run):
        return _DICTIONARIES["ru"]
    if lang == "lv" and all(c < "\u0250" for c in run):
        return _DICTIONARIES["lv"]
    return None


@functools.lru_cache(maxsize=4096)
def hyphen_points(word: str, lang: str | None = None) -> tuple[tuple[int, bool], ...]:
    """Where a word may break by hyphenation: (position, whether a hyphen is added there).

    >>> hyphen_points("saskarsmes", "lv"), hyphen_points("saskarsmes", "en")
    (((2, True), (6, True)), ())
    >>> hyphen_points("интернет-магазин")
    ((2, True), (5, True), (9, False), (11, True), (13, True))
    """
    points: list[tuple[int, bool]] = []
    for m in _LETTERS.finditer(word):
        dictionary = _dictionary(m.group(), lang)
        if dictionary is None:
            continue
        hyphenator = _pyphen(dictionary)
        points += [(m.start() + p, True) for p in hyphenator.positions(m.group())]
        end = m.end()
        if end + 1 < len(word) and word[end] == "-" and word[end + 1].isalpha():
            points.append((end + 1, False))
    return tuple(sorted(points))


@dataclass(frozen=True)
class Line:
    """One line of wrapped text: what is drawn, what the break consumed (spaces, a newline at
    the end of a paragraph, nothing inside a word or between ideographs), whether a hyphen
    was added."""

    text: str
    joiner: str
    hyphen: bool = False


@dataclass(frozen=True)
class Wrapped:
    lines: tuple[Line, ...]
    broke: bool
    """Whether a piece had to be cut where no rule allows a break (it is wider than a line)."""

    @property
    def texts(self) -> list[str]:
        return [ln.text for ln in self.lines]


def wrap(
    text: str,
    width: float,
    measure: Measure,
    *,
    lang: str | None = None,
    cut_long: bool = True,
    first: int | None = None,
) -> Wrapped:
    """Greedy line breaking of `text` into lines no wider than `width` (as `measure` counts).

    ``lang`` is the language of the text (the map's ``language:``); ``cut_long=False`` leaves
    a piece wider than a line whole on its own line instead of cutting it by characters.
    ``first=n`` stops after the first `n` lines, which are those of the whole wrap (lines are
    only ever added): a box that holds fewer lines than its text makes needs no more
    (``broke`` then tells only of those lines).
    """
    breaker = _Breaker(width, measure, lang, cut_long, stop=first)
    try:
        for para in text.split("\n"):
            breaker.paragraph(para)
    except _GaveUp:
        pass
    out = breaker.out if first is None else breaker.out[:first]
    return Wrapped(tuple(out), breaker.broke)


def fits(
    text: str, width: float, measure: Measure, *, max_lines: int, lang: str | None = None
) -> bool:
    """Whether :func:`wrap` gives at most `max_lines` lines without cutting a piece, found
    without wrapping the rest once a line too many or a cut is seen (lines are only ever
    added, so neither can be undone). A canvas tries font sizes from the largest down and
    needs only this answer for the sizes that do not fit."""
    breaker = _Breaker(width, measure, lang, True, limit=max_lines)
    try:
        for para in text.split("\n"):
            breaker.paragraph(para)
    except _GaveUp:
        return False
    return len(breaker.out) <= max_lines and not breaker.broke


class _GaveUp(Exception):
    """A line too many, or a cut, while :func:`fits` asks; or the lines :func:`wrap` was
    asked for are made."""


class _Breaker:
    def __init__(
        self,
        width: float,
        measure: Measure,
        lang: str | None,
        cut_long: bool,
        limit: int | None = None,
        stop: int | None = None,
    ) -> None:
        self.width, self.measure, self.lang, self.cut_long = width, measure, lang, cut_long
        self.limit, self.stop = limit, stop
        self.space = measure("n n") - measure("nn")
        self.out: list[Line] = []
        self.broke = False
        self.strict = False
        self.line, self.line_w = "", 0.0
        self.points: tuple[tuple[int, bool], ...] = ()

    def _trail(self, s: str) -> float:
        return self.space if s.endswith(" ") else 0.0

    def _w(self, s: str) -> float:
        return self.measure(s.rstrip()) + self._trail(s)

    def paragraph(self, para: str) -> None:
        self.strict = _strict(para, self.lang)
        self.line, self.line_w, self.points = "", 0.0, ()
        for tok in units(para, self.lang):
            self.add(tok)
        if self.line.strip():
            self.out.append(Line(self.line.rstrip(), "\n"))

    def add(self, tok: str) -> None:
        trail = self.space if tok.endswith(" ") else 0.0
        tok_w = self._w(tok)
        points = hyphen_points(tok.rstrip(), self.lang)
        if self.line and self.line_w + tok_w - trail > self.width:
            wide = tok_w - trail > self.width  # it must break anyway: start it on this line
            if not (wide and self._hyphenate_into_line(tok, points)):
                body = self.line.rstrip()
                self.out.append(Line(body, self.line[len(body) :]))
                self.line, self.line_w, self.points = tok, tok_w, points
        else:
            if not self.line:
                self.points = points
            self.line, self.line_w = self.line + tok, self.line_w + tok_w
        while len(self.line.rstrip()) > 1 and self.line_w - self._trail(self.line) > self.width:
            if not self._cut():
                break
            self._enough()
        if self.limit is not None and (self.broke or len(self.out) > self.limit):
            raise _GaveUp
        self._enough()

    def _enough(self) -> None:
        if self.stop is not None and len(self.out) >= self.stop:
            raise _GaveUp

    def _hyphenate_into_line(self, tok: str, points: tuple[tuple[int, bool], ...]) -> bool:
        """Put the longest hyphenated head of `tok` (wider than a line) that fits at the end
        of the line (not after three hyphenated lines in a row)."""
        if len(self.out) >= MAX_HYPHENS and all(ln.hyphen for ln in self.out[-MAX_HYPHENS:]):
            return False
        fits = [
            (p, ins)
            for p, ins in points
            if self.line_w + self.measure(tok[:p] + ("-" if ins else "")) <= self.width
        ]
        if not fits:
            return False
        p, ins = fits[-1]
        self.out.append(Line(self.line + tok[:p] + ("-" if ins else ""), "", ins))
        self._rest(tok, p, points)
        return True

    def _rest(self, s: str, p: int, points: tuple[tuple[int, bool], ...]) -> None:
        self.line = s[p:]
        self.line_w = self._w(self.line)
        self.points = tuple((q - p, ins) for q, ins in points if q > p)

    def _may_cut(self, s: str, i: int) -> bool:
        if not self.strict:
            return True
        if s[i].isspace() or s[i - 1].isspace():
            return False
        return break_class(s[i]) not in ("CL", "CM") and break_class(s[i - 1]) != "OP"

    def _last_fit(self, line: str, end: int) -> int:
        """The largest ``cut`` in ``2..end`` with ``line[:cut] + "-"`` no wider than a line, else 1.

        A measure adds widths that are never negative, so a longer head is never narrower:
        the heads that fit are ``2..k``, and ``k`` is found by bisection (a word far wider than
        its box, as on a canvas of hundreds of touchpoints, was measured once per character
        for every cut: cubic in its length)."""
        m, width = self.measure, self.width
        lo, hi = min(end, 1), end  # invariant: lo fits (or is 1), no head longer than hi does
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if m(line[:mid] + "-") <= width:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _cut(self) -> bool:
        """Break the line (one piece wider than a line): at its last hyphenation point that
        fits, else (when allowed) at the last character that fits."""
        line, m, width = self.line, self.measure, self.width
        fits = [(p, ins) for p, ins in self.points if m(line[:p] + ("-" if ins else "")) <= width]
        if fits:
            p, ins = fits[-1]
            self.out.append(Line(line[:p] + ("-" if ins else ""), "", ins))
            self._rest(line, p, self.points)
            return True
        if not self.cut_long:
            return False
        cut = self._last_fit(line, len(line.rstrip()))
        while cut > 1 and not self._may_cut(line, cut):
            cut -= 1
        if not self._may_cut(line, cut):
            return False  # nowhere to break: the piece stays whole, alone on its line
        self.broke = True
        hyphen = line[cut - 1].isalpha() and line[cut].isalpha() and not is_cjk(line[cut])
        self.out.append(Line(line[:cut] + ("-" if hyphen else ""), "", hyphen))
        self._rest(line, cut, self.points)
        return True
