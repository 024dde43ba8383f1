"""SARIF rules as GitHub code scanning shows them: help text, a link to the docs, the tool's home.

Every rule carries ``help`` (text and Markdown, from the check's docstring) and a ``helpUri``
whose anchor is a heading of the page it names (the anchors are worked out here from the
headings as GitHub writes them, independently of :attr:`Check.anchor`); the driver carries
``informationUri``, the ``Homepage`` of pyproject.toml; and the document still validates
against the vendored OASIS SARIF 2.1.0 schema.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from journeymap.checks import REGISTRY
from journeymap.checks.core import Finding, Severity
from journeymap.checks.runner import MapResult
from journeymap.events.conform import RULES
from journeymap.report import sarif as sarif_module
from journeymap.report.checks import Format, render
from journeymap.source import Position
from tests.support import ROOT

HERE = Path(__file__).parent
SCHEMA = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
GOLDEN = json.loads((HERE / "golden" / "shop.sarif.out").read_text(encoding="utf-8"))
URLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]


def _github_anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation other than ``-`` and
    ``_`` dropped, spaces as ``-``."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: str) -> set[str]:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return {_github_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


def _rules(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = doc["runs"][0]["tool"]["driver"]["rules"]
    return rules


def _mixed() -> dict[str, Any]:
    """A run with a registered check, a conformance code and a warning from reading the map."""
    r = MapResult("m.yaml", "m", "M", None)
    r.findings += [
        Finding("JM101", "limit.conversion", Severity.ERROR, "5% < 10%", Position("m.yaml", 3, 5)),
        Finding(
            "JM401", "conform.shadow_path", Severity.WARNING, "a -> c", Position("m.yaml", 9, 9)
        ),
        Finding("JM002", "load", Severity.WARNING, "value ignored", Position("m.yaml", 12, 9)),
    ]
    doc: dict[str, Any] = json.loads(render([r], Format.SARIF, rules=RULES))
    return doc


def test_the_github_anchor_rule_on_known_headings() -> None:
    assert _github_anchor("JM101 limit.conversion") == "jm101-limitconversion"
    assert _github_anchor("`conform`: where customers do not follow the map") == (
        "conform-where-customers-do-not-follow-the-map"
    )
    assert _github_anchor("Editor support (JSON Schema)") == "editor-support-json-schema"


def test_every_registered_check_is_a_rule_with_help_and_a_link_to_its_section() -> None:
    rules = {r["id"]: r for r in _rules(GOLDEN)}
    assert set(REGISTRY) <= set(rules)
    anchors = _anchors("checks.md")
    for code, check in REGISTRY.items():
        rule = rules[code]
        uri = rule["helpUri"]
        assert uri == f"{URLS['Documentation']}/checks.md#{_github_anchor(f'{code} {check.name}')}"
        assert uri.split("#", 1)[1] in anchors, f"{code}: no heading for {uri} in docs/checks.md"
        help_ = rule["help"]
        summary = check.summary.replace("``", "`")
        assert help_["markdown"].startswith(summary), code
        assert help_["markdown"].endswith(f"[Failing and passing examples]({uri})"), code
        assert help_["text"].startswith(check.summary.replace("``", "'")), code
        assert "``" not in help_["text"] + help_["markdown"]
        assert uri in help_["text"]


def test_help_is_the_docstring_prose_with_its_lines_joined() -> None:
    rule = next(r for r in _rules(GOLDEN) if r["id"] == "JM101")
    assert rule["help"]["markdown"] == (
        "Overall conversion (`summary.conversion_probability`) outside its declared limit.\n\n"
        "The probability that a journey starting at an entry reaches a selected goal (all goals, "
        "or the one given with `--goal`). Its interval (`on: interval`) is the analysis's, or a "
        "Wilson interval of conversions over entries.\n\n"
        "[Failing and passing examples]"
        "(https://example.invalid/OWNER/journeymap/blob/main/docs/checks.md#jm101-limitconversion)"
    )


@pytest.mark.parametrize(
    ("code", "page"), [("JM401", "events.md"), ("JM002", "format.md"), ("JM101", "checks.md")]
)
def test_codes_that_are_no_registered_check_link_to_where_they_are_described(
    code: str, page: str
) -> None:
    doc = _mixed()
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    rule = next(r for r in _rules(doc) if r["id"] == code)
    base, anchor = rule["helpUri"].split("#", 1)
    assert base == f"{URLS['Documentation']}/{page}"
    assert anchor in _anchors(page)
    assert rule["help"]["text"] and rule["help"]["markdown"]
    results = doc["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["JM101", "JM401", "JM002"]
    for r in results:
        assert _rules(doc)[r["ruleIndex"]]["id"] == r["ruleId"]


def test_the_tool_names_the_project_home_page_from_pyproject() -> None:
    driver = GOLDEN["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == URLS["Homepage"] == sarif_module.HOMEPAGE
    assert URLS["Documentation"] == sarif_module.DOCUMENTATION
    assert URLS["Documentation"].startswith(URLS["Homepage"])


def test_the_golden_document_with_help_still_validates() -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(GOLDEN)
    broken = json.loads(json.dumps(GOLDEN))
    broken["runs"][0]["tool"]["driver"]["rules"][0]["help"] = {"markdown": "no text"}
    with pytest.raises(jsonschema.ValidationError):  # help needs its text
        jsonschema.Draft4Validator(SCHEMA).validate(broken)
