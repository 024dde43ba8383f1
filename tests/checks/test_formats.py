"""Every output format: golden files, SARIF against the official schema, JUnit parsed back."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from journeymap.checks.core import Finding, Severity
from journeymap.checks.runner import MapResult
from journeymap.report.checks import Format, escape_github_data, escape_github_property, render
from journeymap.source import Position
from tests.checks import gen_golden

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.mark.parametrize("fmt", gen_golden.FORMATS)
def test_golden(fmt: str) -> None:
    code, out = gen_golden.run(fmt)
    assert code == 1
    assert out == (GOLDEN / f"shop.{fmt}.out").read_text(encoding="utf-8"), (
        "output changed: run tests/checks/gen_golden.py and review the diff"
    )


def test_formats_cover_the_enum() -> None:
    assert sorted(gen_golden.FORMATS) == sorted(f.value for f in Format)


def test_sarif_is_valid_against_the_official_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    doc = json.loads((GOLDEN / "shop.sarif.out").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(doc)
    results = doc["runs"][0]["results"]
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    ][:3] == [("JM302", 3), ("JM101", 9), ("JM111", 12)]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    assert {r["level"] for r in results} == {"error", "warning"}
    # non-ASCII file names become percent-encoded URI references
    enc = render([_result("карты/магазин.yaml")], Format.SARIF)
    uri = json.loads(enc)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"
    ]["uri"]
    assert uri == "%D0%BA%D0%B0%D1%80%D1%82%D1%8B/%D0%BC%D0%B0%D0%B3%D0%B0%D0%B7%D0%B8%D0%BD.yaml"
    jsonschema.Draft4Validator(schema).validate(json.loads(enc))


def test_sarif_broken_document_is_rejected_by_the_schema() -> None:
    """The schema really checks: a result without a message is invalid."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    doc = json.loads((GOLDEN / "shop.sarif.out").read_text(encoding="utf-8"))
    del doc["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(doc)


def test_junit_parses_back() -> None:
    root = ET.fromstring((GOLDEN / "shop.junit.out").read_text(encoding="utf-8"))
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "0")) == len(cases) == int(root.get("tests", "0"))
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures", "0")) == len(failures) == 6
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert [(c.get("classname"), c.get("name")) for c in skipped] == [
        ("golden-shop.JM207 lint.pain_without_opportunity", "touchpoint:ad")
    ]
    failing = sorted(
        (c.find("failure").get("type"), c.get("name"))  # type: ignore[union-attr]
        for c in failures
    )
    assert failing == [
        ("JM101", "map"),
        ("JM111", "touchpoint:корзина"),
        ("JM301", "touchpoint:ad"),
        ("JM301", "touchpoint:product"),
        ("JM301", "touchpoint:корзина"),
        ("JM302", "map"),
    ]
    # one test case per check and subject
    keys = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(keys) == len(set(keys))
    warned = [c for c in cases if c.find("system-out") is not None]
    assert {c.get("classname").split(" ")[0].split(".")[-1] for c in warned} == {  # type: ignore[union-attr]
        "JM114",
        "JM204",
        "JM304",
    }


def test_junit_fail_on_warning_turns_warnings_into_failures() -> None:
    r = _result("m.yaml", severity=Severity.WARNING)
    root = ET.fromstring(render([r], Format.JUNIT, fail_on=Severity.WARNING))
    assert root.get("failures") == "1"
    root = ET.fromstring(render([r], Format.JUNIT))
    assert root.get("failures") == "0"


def _result(path: str, severity: Severity = Severity.ERROR, message: str = "50% lost") -> MapResult:
    r = MapResult(path, "m", "M", None)
    r.findings.append(Finding("JM101", "limit.conversion", severity, message, Position(path, 3, 5)))
    return r


def test_github_escaping() -> None:
    assert escape_github_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_github_property("a,b:c%") == "a%2Cb%3Ac%25"
    out = render([_result("dir,x/m:1.yaml", message="line one\nline two, 5%")], Format.GITHUB)
    first = out.splitlines()[0]
    assert first == (
        "::error file=dir%2Cx/m%3A1.yaml,line=3,col=5,title=JM101 limit.conversion"
        "::line one%0Aline two, 5%25"
    )


def test_github_puts_the_most_severe_first() -> None:
    lines = (GOLDEN / "shop.github.out").read_text(encoding="utf-8").splitlines()
    kinds = [ln.split(" ", 1)[0] for ln in lines if ln.startswith("::")]
    assert kinds == sorted(kinds, key=lambda k: k != "::error")
    assert kinds[0] == "::error" and kinds[-1] == "::warning"


def test_json_is_stable_and_complete() -> None:
    doc = json.loads((GOLDEN / "shop.json.out").read_text(encoding="utf-8"))
    assert doc["exit_code"] == 1
    assert doc["summary"] == {"maps": 1, "errors": 6, "warnings": 3}
    m = doc["maps"][0]
    assert [(f["code"], f["line"], f["col"]) for f in m["findings"]][:2] == [
        ("JM302", 3, 5),
        ("JM101", 9, 15),
    ]
    verdicts = {(t["metric"], t["subject"]): t["verdict"] for t in m["comparison"]["tests"]}
    assert verdicts[("drop_off", "корзина")] == "REGRESSION"
    assert verdicts[("csat", "корзина")] == "WARN"
    assert {c["kind"] for c in m["comparison"]["changes"]} == {"RENAMED", "REMOVED", "STAGE_ADDED"}


def test_text_colour_only_when_asked() -> None:
    r = _result("m.yaml")
    assert "\033[" not in render([r], Format.TEXT)
    assert "\033[31m" in render([r], Format.TEXT, color=True)


def test_markdown_escapes_table_cells() -> None:
    out = render([_result("m.yaml", message="a | b\nc")], Format.MARKDOWN)
    assert "a \\| b c" in out
