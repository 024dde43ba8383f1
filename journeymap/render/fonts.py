"""Fonts chosen explicitly, so Cyrillic, CJK and Latvian text renders as glyphs, not boxes.

Font discovery asks fontconfig (``fc-list``) for the files of a short list of preferred families
and falls back to fontconfig's own choice for the map's script (``fc-match :lang=zh``). Each file
is registered with matplotlib by path, so a stale matplotlib font cache on a fresh machine (a
cache built before the fonts were installed) does not matter. fontTools reads each candidate's
character map, so the plan puts first the family that covers the map's text and reports the
characters no font covers.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field

LATIN_FAMILIES = ("DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial", "Helvetica")
"""Latin, Latvian diacritics and Cyrillic (DejaVu covers all three)."""
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
"""CJK text of a map that declares no Chinese language (WenQuanYi first, as always)."""
CJK_SIMPLIFIED_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC")
"""Simplified Chinese glyph forms (mainland China): first for a ``zh-Hans`` map, then the
families of :data:`CJK_FAMILIES`."""
CJK_TRADITIONAL_FAMILIES = (
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Source Han Sans TC",
    "Noto Sans CJK HK",
    "AR PL UMing TW",
    "AR PL New Sung",
)
"""Traditional Chinese glyph forms (Taiwan, Hong Kong): first for a ``zh-Hant`` map, then the
families of :data:`CJK_FAMILIES` (WenQuanYi covers the Traditional characters too)."""
REGIONAL_SUFFIXES = ("JP", "KR")
"""Noto Sans CJK (``fonts-noto-cjk``) is one collection of five regional faces that share their
characters: the Japanese and Korean faces draw a Chinese character in their own glyph shapes,
so no plan ever takes them, not even from fontconfig's fallback."""


def cjk_families(lang: str | None) -> tuple[str, ...]:
    """The CJK families to try for a map in ``lang``, in order: the Traditional ones for
    ``zh-Hant`` and the Simplified Noto/Source Han faces for ``zh-Hans`` before WenQuanYi (the
    fallback when they are absent); WenQuanYi first for any other language.

    >>> cjk_families("zh-Hant")[:2], cjk_families("zh-Hans")[0], cjk_families(None)[0]
    (('Noto Sans CJK TC', 'Noto Sans TC'), 'Noto Sans CJK SC', 'WenQuanYi Micro Hei')
    >>> cjk_families("zh-Hant").index("WenQuanYi Micro Hei") < cjk_families("zh-Hant").index(
    ...     "Noto Sans CJK SC")
    True
    """
    first = {"zh-Hant": CJK_TRADITIONAL_FAMILIES, "zh-Hans": CJK_SIMPLIFIED_FAMILIES}.get(
        lang or ""
    )
    if first is None:
        return CJK_FAMILIES
    return (*first, *(f for f in CJK_FAMILIES if f not in first))


def is_regional(family: str) -> bool:
    """Whether a family draws Japanese or Korean glyph shapes (``Noto Sans CJK JP``).

    >>> is_regional("Noto Sans CJK JP"), is_regional("Noto Serif CJK KR"), is_regional("Noto Sans CJK TC")
    (True, True, False)
    """
    return family.rsplit(" ", 1)[-1] in REGIONAL_SUFFIXES


def is_cjk(ch: str) -> bool:
    """Whether a character is a CJK ideograph, kana, hangul or CJK punctuation.

    >>> is_cjk("漏"), is_cjk("ж"), is_cjk("ā")
    (True, False, False)
    """
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x2FA1F
    )


@dataclass(frozen=True)
class FontFile:
    path: str
    family: str
    index: int = 0


@dataclass
class FontPlan:
    """The fonts a picture uses: families in fallback order, their files, what nothing covers."""

    families: list[str]
    files: list[FontFile]
    missing: set[str] = field(default_factory=set)

    @property
    def graphviz_name(self) -> str:
        """The ``fontname`` for graphviz: the primary family (pango falls back per glyph)."""
        return self.families[0] if self.families else "sans-serif"

    @property
    def css(self) -> str:
        return ", ".join([f"'{f}'" for f in self.families] + ["sans-serif"])


@functools.lru_cache(maxsize=1)
def system_fonts() -> tuple[FontFile, ...]:
    """Every font file fontconfig knows, with its first family name (empty without fontconfig)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return ()
    try:
        out = subprocess.run(
            [exe, "--format", "%{file}\t%{index}\t%{family}\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    fonts = []
    for line in sorted(set(out.splitlines())):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0]:
            continue
        index = int(parts[1]) if parts[1].isdigit() else 0
        for fam in parts[2].split(","):
            fonts.append(FontFile(parts[0], fam.strip(), index))
    return tuple(fonts)


@functools.lru_cache(maxsize=8)
def _fc_match(pattern: str) -> FontFile | None:
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "--format", "%{file}\t%{index}\t%{family}", pattern],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\t")
    if len(parts) != 3 or not parts[0]:
        return None
    return FontFile(
        parts[0], parts[2].split(",")[0].strip(), int(parts[1]) if parts[1].isdigit() else 0
    )


def _regular(files: list[FontFile]) -> FontFile:
    """The regular face among a family's files (no Bold/Oblique/Italic in the file name)."""

    def score(f: FontFile) -> tuple[int, int, str]:
        name = f.path.rsplit("/", 1)[-1].lower()
        styled = any(s in name for s in ("bold", "oblique", "italic", "light", "condensed", "mono"))
        return (int(styled), len(name), f.path)

    return sorted(files, key=score)[0]


def find_family(family: str) -> list[FontFile]:
    """Files of one family, regular face first."""
    found = [f for f in system_fonts() if f.family.lower() == family.lower()]
    if not found:
        return []
    regular = _regular(found)
    return [regular, *sorted((f for f in found if f != regular), key=lambda f: f.path)]


@functools.lru_cache(maxsize=64)
def cmap(path: str, index: int = 0) -> frozenset[int]:
    """Code points a font file has glyphs for (fontTools)."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        best = font.getBestCmap() or {}
        font.close()
    except Exception:  # an unreadable or unsupported font file covers nothing
        return frozenset()
    return frozenset(best)


def covers(font: FontFile, chars: Iterable[str]) -> set[str]:
    """The characters of `chars` the font has no glyph for."""
    table = cmap(font.path, font.index)
    return {c for c in chars if ord(c) not in table and not c.isspace()}


def plan_fonts(text: str, lang: str | None = None) -> FontPlan:
    """Choose the fonts for pictures of `text` (all user text of a map joined together).

    Latin families come first unless the text holds CJK characters, then a CJK family leads (it
    has Latin glyphs too, so mixed labels look consistent): for a ``zh-Hant`` or ``zh-Hans`` map
    (``lang``) a family with that script's glyph shapes when one is installed
    (:func:`cjk_families`), never a Japanese or Korean face. Characters that no chosen font
    covers are listed in ``missing``.
    """
    chars = {c for c in text if ord(c) > 0x7F}
    has_cjk = any(is_cjk(c) for c in chars)
    traditional = lang == "zh-Hant"
    latin = next((find_family(f)[0] for f in LATIN_FAMILIES if find_family(f)), None)
    cjk = next((find_family(f)[0] for f in cjk_families(lang) if find_family(f)), None)
    if latin is None:
        latin = _fc_match("sans-serif:lang=ru")
    if cjk is None and has_cjk:
        cjk = _fc_match("sans-serif:lang=zh-tw" if traditional else "sans-serif:lang=zh-cn")
        cjk = None if cjk is None or is_regional(cjk.family) else cjk
    order = [cjk, latin] if has_cjk else [latin]
    chosen: list[FontFile] = []
    for f in order:
        if f is not None and f.family not in [c.family for c in chosen]:
            chosen.append(f)
    missing = set(chars)
    for f in chosen:
        missing &= covers(f, missing)
    if missing:  # ask fontconfig for any font that has the rest
        for ch in sorted(missing):
            extra = _fc_match(f":charset={ord(ch):x}")
            if (
                extra is not None
                and not is_regional(extra.family)
                and extra.family not in [c.family for c in chosen]
                and not covers(extra, [ch])
            ):
                chosen.append(extra)
        for f in chosen:
            missing &= covers(f, missing)
    return FontPlan([f.family for f in chosen], chosen, missing)


@functools.cache
def _registered(path: str) -> bool:
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    if path not in known:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            return False
    return True


def register_with_matplotlib(plan: FontPlan) -> list[str]:
    """Register the plan's files (every face of each family) with matplotlib; return families."""
    for f in plan.files:
        for face in find_family(f.family) or [f]:
            _registered(face.path)
    return plan.families
