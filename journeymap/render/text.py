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

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: object) -> str:
    """User text as a plain one-line-per-line string without control characters."""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", unicodedata.normalize("NFC", s))


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
