"""Text helpers for every view: escaping user text for DOT, HTML and Mermaid (numbers are
printed by :mod:`journeymap.figures`).

User text never becomes DOT syntax: nodes get internal ids (``t0``, ``t1``...) and every label
is an HTML-like label whose text is escaped here.

>>> html_text('a "b" <c> & d\\\\e {f}: g\\nh')
'a &quot;b&quot; &lt;c&gt; &amp; d\\\\e {f}: g<BR/>h'
>>> mermaid_text('Pay: "now" <b>#1;')
'Pay: #34;now#34; #60;b#62;#35;1#59;'
"""

from __future__ import annotations

import html
import re
import unicodedata

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
"""C0 and C1 controls (but tab and newline), lone surrogates and the 66 Unicode noncharacters
(U+FDD0-FDEF, U+xFFFE/xFFFF of every plane): none may appear in well-formed XML 1.0 (SVG, the
graphviz HTML-like labels) or means anything on a page."""


def clean(text: object) -> str:
    """User text as a plain one-line-per-line string without controls or noncharacters.

    >>> clean("Pay\ufffe\x85 now\x07")
    'Pay now'
    """
    s = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", unicodedata.normalize("NFC", s))


def visible(text: object, placeholder: str) -> str:
    """:func:`clean` text, or ``placeholder`` when nothing visible is left (only blanks,
    controls, format characters such as U+200B): an empty name would be an empty label.

    >>> visible(" \u200b\x01 ", "(no name: cart)"), visible("Cart", "(no name: cart)")
    ('(no name: cart)', 'Cart')
    """
    s = clean(text)
    return s if any(unicodedata.category(c)[0] not in "CZ" for c in s) else placeholder


def html_text(text: object, *, br: str = "<BR/>") -> str:
    """Escape user text for a graphviz HTML-like label (or HTML), newlines become `br`."""
    return br.join(
        html.escape(line, quote=True).replace("&#x27;", "&#39;") for line in clean(text).split("\n")
    )


def mermaid_text(text: object) -> str:
    """Escape user text for a quoted Mermaid flowchart label: one line, entity codes."""
    s = " ".join(clean(text).split())
    return "".join(f"#{ord(ch)};" if ch in _MERMAID_SPECIAL else ch for ch in s)


_MERMAID_SPECIAL = set('"<>&#;{}[]()|`%\\')
_JOURNEY_SUBST = {":": "\ua789", "#": "\uff03", ";": "\uff1b", ",": "\u201a", "%": "\uff05"}
_JOURNEY_KEYWORDS = re.compile(r"^(journey|title|section|acc)", re.IGNORECASE)


def journey_text(text: object) -> tuple[str, bool]:
    """User text for a Mermaid ``journey`` line, and whether a character had to be replaced.

    The journey grammar has no escapes: ``:``, ``#``, ``;`` end a name, ``,`` separates actors
    and a name starting with a keyword would be read as that keyword. Those characters become
    look-alikes (``꞉ ＃ ； ‚ ％``) and a keyword at the start gets a zero-width space in front.

    >>> journey_text("Title: pay #1")
    ('\u200bTitle\ua789 pay \uff031', True)
    """
    s = " ".join(clean(text).split())
    out = "".join(_JOURNEY_SUBST.get(ch, ch) for ch in s)
    changed = out != s
    if _JOURNEY_KEYWORDS.match(out):
        out = "\u200b" + out
    return out or "\u2014", changed


def mpl_text(text: object) -> str:
    """User text for matplotlib (math parsing is off in our style; this strips control chars)."""
    return clean(text)


def shorten(text: str, limit: int) -> str:
    """Cut text to `limit` characters with an ellipsis.

    >>> shorten("Product page", 8)
    'Product…'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"
