"""Themes and colour-blind-safe palettes shared by every view.

Categorical colours are Okabe-Ito (Okabe & Ito 2008); scales are five bins on the blue-orange
axis of Okabe-Ito (light and dark themes: readable for the common colour-vision deficiencies)
or on viridis (print theme: lightness falls monotonically, so the bins survive a greyscale
printer). Good values are blue (or light), bad values orange/vermillion (or dark).

>>> THEMES["light"].background
'#ffffff'
>>> scale_bin(0.0), scale_bin(0.5), scale_bin(1.0)
(0, 2, 4)
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORICAL = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
"""Okabe-Ito in the order lines are drawn (persona and scenario curves)."""

# five bins from good to bad
BLUE_ORANGE = ("#0072B2", "#56B4E9", "#E8E8E8", "#E69F00", "#D55E00")
VIRIDIS_5 = ("#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154")
"""Viridis, light (good) to dark (bad)."""


@dataclass(frozen=True)
class Theme:
    """Colours of one theme. ``scale`` runs from good to bad in five bins."""

    name: str
    background: str
    foreground: str
    muted: str
    panel: str
    cluster: str
    cluster_border: str
    node: str
    node_border: str
    edge: str
    undeclared: str
    leak: str
    leak_strong: str
    top_leak: str
    accent: str
    scale: tuple[str, str, str, str, str]
    lines: tuple[str, ...]
    grid: str

    def text_on(self, fill: str) -> str:
        """Black or white, whichever reads better on `fill` (WCAG relative luminance)."""
        return "#000000" if luminance(fill) > 0.35 else "#ffffff"


THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light",
        background="#ffffff",
        foreground="#1a1a1a",
        muted="#5f5f5f",
        panel="#f5f5f2",
        cluster="#f3f6fa",
        cluster_border="#9fb3c8",
        node="#ffffff",
        node_border="#3d3d3d",
        edge="#4d4d4d",
        undeclared="#CC79A7",
        leak="#E69F00",
        leak_strong="#D55E00",
        top_leak="#D55E00",
        accent="#0072B2",
        scale=BLUE_ORANGE,
        lines=CATEGORICAL,
        grid="#d9d9d9",
    ),
    "dark": Theme(
        name="dark",
        background="#1e1f24",
        foreground="#f0f0f0",
        muted="#b4b4b4",
        panel="#2a2c33",
        cluster="#262a33",
        cluster_border="#56B4E9",
        node="#30333b",
        node_border="#d0d0d0",
        edge="#c8c8c8",
        undeclared="#CC79A7",
        leak="#E69F00",
        leak_strong="#D55E00",
        top_leak="#F0E442",
        accent="#56B4E9",
        scale=BLUE_ORANGE,
        lines=(
            "#56B4E9",
            "#E69F00",
            "#009E73",
            "#CC79A7",
            "#F0E442",
            "#D55E00",
            "#0072B2",
            "#ffffff",
        ),
        grid="#44474f",
    ),
    "print": Theme(
        name="print",
        background="#ffffff",
        foreground="#000000",
        muted="#404040",
        panel="#ffffff",
        cluster="#ffffff",
        cluster_border="#000000",
        node="#ffffff",
        node_border="#000000",
        edge="#000000",
        undeclared="#000000",
        leak="#595959",
        leak_strong="#000000",
        top_leak="#000000",
        accent="#000000",
        scale=VIRIDIS_5,
        lines=CATEGORICAL,
        grid="#bfbfbf",
    ),
}


def luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb``.

    >>> round(luminance("#ffffff"), 3), round(luminance("#000000"), 3)
    (1.0, 0.0)
    """
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def scale_bin(badness: float) -> int:
    """Bin 0 (good) .. 4 (bad) of a badness in [0, 1]."""
    clamped = min(max(badness, 0.0), 1.0)
    return min(int(clamped * 5), 4)
