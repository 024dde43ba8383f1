"""What ``journeymap ingest`` writes around the counts: the comment at the top of an overlay and
the file name of each segment's overlay (``--segment-by``)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

HEADER = (
    "journeymap overlay written by `journeymap ingest`; numbers for one period.\n"
    "Give it to any command with --data. See docs/events.md for every field."
)
"""The comment at the top of an overlay written as YAML."""


def segment_path(base: str, value: str | None, is_null: bool) -> str:
    """``out.yaml`` + a segment value -> ``out.<slug>-<hash>.yaml``: a safe slug and a short hash.

    The file name never holds raw data: the slug keeps ASCII letters, digits and dashes (40 at
    most) and the hash (8 hex digits of SHA-256) tells apart values with the same slug.

    >>> segment_path("out/o.yaml", "Bargain hunter / EU", False)
    'out/o.bargain-hunter-eu-2e53b85b.yaml'
    >>> segment_path("o.json", "../../etc", False)
    'o.etc-74ccf3c5.json'
    """
    import os

    key = "\0null" if is_null else (value or "")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    text = "null" if is_null else unicodedata.normalize("NFKD", value or "")
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode().lower()).strip("-")[
        :40
    ]
    slug = slug.strip("-") or "segment"
    root, ext = os.path.splitext(base)
    return f"{root}.{slug}-{digest}{ext}"
