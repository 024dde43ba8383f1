"""One project URL: :data:`journeymap.PROJECT_URL`. Every other place that writes it (the
package metadata, the docs, the pre-commit example) is held to it here, and no module of the
package writes it again, so changing it is one edit that these tests then walk through."""

from __future__ import annotations

import re
import tomllib

from journeymap import PROJECT_URL
from journeymap.report import sarif
from tests.support import ROOT

URL = re.compile(r"https?://example\.invalid[^\s)\"'`>]*")
"""The placeholder's host in any form (``.invalid`` is reserved: it never resolves)."""


def test_the_package_metadata_names_the_project_url() -> None:
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls == {"Homepage": PROJECT_URL, "Documentation": f"{PROJECT_URL}/blob/main/docs"}
    assert (urls["Homepage"], urls["Documentation"]) == (sarif.HOMEPAGE, sarif.DOCUMENTATION)


def test_the_docs_write_the_project_url_and_no_other_address_on_its_host() -> None:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = {
        (f.name, u)
        for f in files
        for u in URL.findall(f.read_text(encoding="utf-8"))
        if "@" not in u  # git e-mail addresses in examples are not the project's address
    }
    assert found, "the docs show where journeymap comes from (docs/ci.md, pre-commit)"
    assert sorted(x for x in found if not x[1].startswith(PROJECT_URL)) == []


def test_no_module_writes_the_project_url_again() -> None:
    writers = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "journeymap").rglob("*.py")
        if URL.search(p.read_text(encoding="utf-8"))
    )
    assert writers == ["journeymap/__init__.py"]
