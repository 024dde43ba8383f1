"""Check results as SARIF 2.1.0, the format GitHub code scanning reads.

Every registered check is a rule of ``tool.driver`` with its help (``help.text`` and
``help.markdown``, from the check's docstring) and a ``helpUri`` to its section of
docs/checks.md (the anchor :attr:`~journeymap.checks.core.Check.anchor`, the one docs/gen_checks.py
writes), so code scanning shows what a finding means and links to the failing and passing
examples; every finding is a result. The driver's ``informationUri`` is the project's home
page, :data:`journeymap.PROJECT_URL` (the one definition; pyproject.toml's ``[project.urls]``
is held equal to it by a test).

>>> from journeymap.checks import REGISTRY
>>> rule = _registered_rule(REGISTRY["JM101"])
>>> rule["helpUri"].endswith("/docs/checks.md#jm101-limitconversion")
True
>>> rule["help"]["markdown"].splitlines()[0]
'Overall conversion (`summary.conversion_probability`) outside its declared limit.'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

from journeymap import PROJECT_URL, __version__
from journeymap.checks import REGISTRY, Finding, MapResult
from journeymap.checks.core import Check

HOMEPAGE: Final = PROJECT_URL
"""The project's home page (``Homepage`` in pyproject.toml's ``[project.urls]``)."""
DOCUMENTATION: Final = f"{HOMEPAGE}/blob/main/docs"
"""The folder of the docs: ``Documentation`` in pyproject.toml's ``[project.urls]``."""
LOAD_HELP: Final = ("format.md", "errors")
"""Where the warnings from reading a map (JM0xx) are listed: docs/format.md, "Errors"."""
CONFORM_HELP: Final = ("events.md", "conform-where-customers-do-not-follow-the-map")
"""Where the conformance codes (JM4xx, ``journeymap conform``) are described."""


def doc_uri(page: str, anchor: str) -> str:
    """The published address of a section of the docs.

    >>> doc_uri("checks.md", "jm201-lintunreachable").removeprefix(PROJECT_URL)
    '/blob/main/docs/checks.md#jm201-lintunreachable'
    """
    return f"{DOCUMENTATION}/{page}#{anchor}"


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/-._~")


def _unwrapped(rst: str) -> str:
    """Paragraphs of a docstring with their lines joined (the prose has no lists or code)."""
    return "\n\n".join(" ".join(p.split()) for p in rst.split("\n\n"))


def _plain(rst: str) -> str:
    return _unwrapped(rst).replace("``", "'")


def _markdown(rst: str) -> str:
    return _unwrapped(rst).replace("``", "`")


def _registered_rule(check: Check) -> dict[str, Any]:
    """A registered check as a SARIF rule: its docstring's summary, first paragraph and prose
    (help), and the link to its section of docs/checks.md."""
    uri = doc_uri("checks.md", check.anchor)
    prose = check.prose()
    return {
        "id": check.code,
        "name": check.name,
        "shortDescription": {"text": _plain(check.summary)},
        "fullDescription": {"text": _plain(check.doc.split("\n\n")[0])},
        "help": {
            "text": f"{_plain(prose)}\n\nExamples: {uri}",
            "markdown": f"{_markdown(prose)}\n\n[Failing and passing examples]({uri})",
        },
        "helpUri": uri,
        "defaultConfiguration": {"level": check.severity.value},
        "properties": {"kind": check.kind},
    }


def _other_rule(f: Finding, described: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """A code that is no registered check: a conformance code of `described`
    (``{code: (name, summary)}``), or a warning from reading the map."""
    conform = f.code in described
    name, summary = described.get(f.code, (f.name, "A warning from reading the map."))
    uri = doc_uri(*(CONFORM_HELP if conform else LOAD_HELP))
    return {
        "id": f.code,
        "name": name,
        "shortDescription": {"text": summary},
        "help": {"text": f"{summary}\n\nSee {uri}", "markdown": f"{summary}\n\n[More]({uri})"},
        "helpUri": uri,
        "defaultConfiguration": {"level": f.severity.value if conform else "warning"},
        "properties": {"kind": "conform" if conform else "load"},
    }


def _result(f: Finding, index: int) -> dict[str, Any]:
    res: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": f.severity.value,
        "message": {"text": f.message + (f" ({f.hint})" if f.hint else "")},
    }
    if f.position is not None:
        res["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.position.path)},
                    "region": {"startLine": f.position.line, "startColumn": f.position.col},
                }
            }
        ]
    res["properties"] = {"subject": f.subject, "name": f.name, "data": dict(f.data)}
    return res


def sarif(
    results: list[MapResult], *, extra_rules: Mapping[str, tuple[str, str]] | None = None
) -> str:
    """SARIF 2.1.0: every registered check is a rule (and every code of `extra_rules`); every
    finding a result."""
    described = dict(extra_rules or {})
    rules = [_registered_rule(c) for c in sorted(REGISTRY.values(), key=lambda c: c.code)]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    findings = sorted(f for r in results for f in r.findings)
    for f in findings:
        if f.code not in index:
            index[f.code] = len(rules)
            rules.append(_other_rule(f, described))
    driver = {
        "name": "journeymap",
        "version": __version__,
        "informationUri": HOMEPAGE,
        "rules": rules,
    }
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index[f.code]) for f in findings],
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
