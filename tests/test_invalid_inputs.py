"""Every input that cannot be used as a map: one clear message with file:line:col, the line,
a caret and a hint; exit 2; no traceback; in well under a second."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from journeymap.errors import MapError
from journeymap.io import load_map
from tests.support import ROOT, run_cli

CASES = Path("tests/cases/invalid")

MAGNITUDE = (
    "numbers in a map (money, durations, scales, limits) lie within ±10^15, where sums and"
    " products stay exact to the unit and finite"
)
"""The hint of every number beyond ``model.MAX_MAGNITUDE`` (a float's width, ``fsum``, overflow)."""

EXPECTED: dict[str, str] = {
    "syntax-error.yaml": (
        "{p}:4:7: YAML syntax error: expected ',' or ']', but got ':' while parsing a flow sequence"
        " that starts at line 3\n"
        "    4 | stages: []\n"
        "      |       ^"
    ),
    "empty.yaml": (
        "{p}:1:1: the file is empty; a map starts with 'journeymap: 1'; run 'journeymap init' for a starter map"
    ),
    "list-at-root.yaml": (
        "{p}:1:1: a map is a mapping of keys to values, but this file holds a list; start the file with 'journeymap: 1'\n"
        "    1 | - journeymap: 1\n"
        "      | ^"
    ),
    "unknown-key.yaml": (
        "{p}:10:9: unknown key 'chanel' in stages[0].touchpoints[0]; did you mean 'channel'?\n"
        "   10 |         chanel: web\n"
        "      |         ^"
    ),
    "duplicate-key.yaml": (
        "{p}:11:9: duplicate key 'entries' (first defined at line 10); each key may appear once in a mapping; remove or rename one\n"
        "   11 |         entries: 20\n"
        "      |         ^"
    ),
    "duplicate-id.yaml": (
        "{p}:10:13: duplicate touchpoint id 'cart' (first defined at line 8); ids are unique across the map's stages and touchpoints\n"
        "   10 |       - id: cart\n"
        "      |             ^"
    ),
    "unknown-reference.yaml": (
        "{p}:11:16: unknown touchpoint 'chekout' in stages[0].touchpoints[0].next; did you mean 'checkout'?\n"
        "   11 |         next: {{chekout: 60}}\n"
        "      |                ^"
    ),
    "custom-tag.yaml": (
        "{p}:3:8: unsupported YAML tag '!!python/object:os.system'; journeymap maps use plain YAML values only; remove the tag\n"
        "    3 | title: !!python/object:os.system echo\n"
        "      |        ^"
    ),
    "yes-count.yaml": (
        "{p}:10:18: stages[0].touchpoints[0].entries must be a whole number, got 'yes'; counts are whole numbers of customers or transitions, written without quotes\n"
        "   10 |         entries: yes\n"
        "      |                  ^"
    ),
    "negative-count.yaml": (
        "{p}:10:18: stages[0].touchpoints[0].entries must be at least 0, got -5\n"
        "   10 |         entries: -5\n"
        "      |                  ^"
    ),
    "fractional-count.yaml": (
        "{p}:10:18: stages[0].touchpoints[0].entries must be a whole number, got 12.5; counts are whole numbers of customers or transitions, written without quotes\n"
        "   10 |         entries: 12.5\n"
        "      |                  ^"
    ),
    "nan-count.yaml": (
        "{p}:10:21: stages[0].touchpoints[0].next.pay must be a whole number, got nan; counts are whole numbers of customers or transitions, written without quotes\n"
        "   10 |         next: {{pay: .nan}}\n"
        "      |                     ^"
    ),
    "infinite-count.yaml": (
        "{p}:10:16: stages[0].touchpoints[0].exits must be a whole number, got inf; counts are whole numbers of customers or transitions, written without quotes\n"
        "   10 |         exits: .inf\n"
        "      |                ^"
    ),
    "answer-outside-scale.yaml": (
        "{p}:11:16: stages[0].touchpoints[0].scores.nps: answers [11] lie outside the declared scale [0, 10]\n"
        "   11 |           nps: {{scale: [0, 10], responses: {{9: 4, 11: 2}}}}\n"
        "      |                ^"
    ),
    "ces-top-box-outside-scale.yaml": (
        "{p}:11:70: stages[0].touchpoints[0].scores.ces.top_box: the answers [8] lie outside the scale [1, 7]\n"
        "   11 |           ces: {{scale: [1, 7], direction: higher_is_better, top_box: [7, 8], responses: {{7: 4}}}}\n"
        "      |                                                                      ^"
    ),
    "ces-top-box-difficult.yaml": (
        "{p}:14:22: stages[0].touchpoints[0].scores.ces.top_box: the answers [4, 5] are not easy on the scale [1, 5]"
        " (lower is better); a CES top box holds the easy answers, below the midpoint 3\n"
        "   14 |             top_box: [4, 5]\n"
        "      |                      ^"
    ),
    "business-new-above-end.yaml": (
        "{p}:13:18: business.new_customers: 950 new customers are more than the 900 customers at the end (customers_end); the customers at the end include the new ones\n"
        "   13 |   new_customers: 950\n"
        "      |                  ^"
    ),
    "business-retained-above-start.yaml": (
        "{p}:13:18: business.new_customers: the 1,900 customers at the end are more than the 1,000 at the start plus the 500 new ones, so retention would exceed 100%; count reactivated customers among the new ones\n"
        "   13 |   new_customers: 500\n"
        "      |                  ^"
    ),
    "business-lost-above-start.yaml": (
        "{p}:12:19: business.customers_lost: 3,500 customers lost are more than the 3,000 customers at the start (customers_start); churn counts the starting customers lost\n"
        "   12 |   customers_lost: 3500\n"
        "      |                   ^"
    ),
    "business-margin-as-percent.yaml": (
        "{p}:12:17: business.gross_margin: 42 is a percentage, but the gross margin is a fraction 0..1; write 42% as 0.42\n"
        "   12 |   gross_margin: 42\n"
        "      |                 ^"
    ),
    "business-repeat-above-ordering.yaml": (
        "{p}:12:21: business.repeat_customers: 2,300 repeat customers are more than the 2,000 ordering customers (ordering_customers); repeat customers are the ordering customers with two or more orders\n"
        "   12 |   repeat_customers: 2300\n"
        "      |                     ^"
    ),
    "service-median-outside-samples.yaml": (
        "{p}:13:21: stages[0].touchpoints[0].business.first_response_time.median: the median 30 lies outside its samples (0.5 to 21); a median lies between the smallest and the largest sample\n"
        "   13 |             median: 30\n"
        "      |                     ^"
    ),
    "service-count-not-samples.yaml": (
        "{p}:11:56: stages[0].touchpoints[0].business.resolution_time.count: count 25 differs from the 3 samples; leave 'count' out when the samples are given\n"
        "   11 |           resolution_time: {{samples: [4, 6, 7], count: 25}}\n"
        "      |                                                        ^"
    ),
    "service-mean-of-no-samples.yaml": (
        "{p}:11:46: stages[0].touchpoints[0].business.resolution_time.count: count 0, but a mean of no samples is declared; give the number of samples behind it\n"
        "   11 |           resolution_time: {{mean: 12, count: 0}}\n"
        "      |                                              ^"
    ),
    "service-one-sample-two-figures.yaml": (
        "{p}:11:77: stages[0].touchpoints[0].business.first_response_time.count: with 1 sample the mean equals the median, but the mean is 9.5 and the median 6\n"
        "   11 |           first_response_time: {{unit: minutes, median: 6, mean: 9.5, count: 1}}\n"
        "      |                                                                             ^"
    ),
    "list-for-mapping.yaml": (
        "{p}:10:17: stages[0].touchpoints[0].scores must be a mapping (key: value), got a list\n"
        "   10 |         scores: [nps, csat]\n"
        "      |                 ^"
    ),
    "formerly-claimed-twice.yaml": (
        "{p}:13:26: two touchpoints claim the old id 'basket': 'bag' here and 'cart' at line 10; "
        "an old id names the one touchpoint that replaced it; keep 'basket' in the 'formerly' of one of them\n"
        "   13 |         formerly: [sack, basket]\n"
        "      |                          ^"
    ),
    "scale-too-wide.yaml": (
        "{p}:4:21: emotion_scale[1] must be at most 1,000,000,000,000,000, got 1e+308; "
        + MAGNITUDE
        + "\n"
        "    4 | emotion_scale: [-5, 1e308]\n"
        "      |                     ^"
    ),
    "service-time-too-long.yaml": (
        "{p}:12:42: stages[0].touchpoints[0].business.resolution_time.samples[1] must be at most"
        " 1,000,000,000,000,000, got 1e+308; " + MAGNITUDE + "\n"
        "   12 |           resolution_time: {{samples: [5, 1e308]}}\n"
        "      |                                          ^"
    ),
    "money-too-large.yaml": (
        "{p}:4:23: value_per_conversion must be at most 1,000,000,000,000,000, got 2e+15; "
        + MAGNITUDE
        + "\n"
        "    4 | value_per_conversion: 2e15\n"
        "      |                       ^"
    ),
    "not-utf8.yaml": "{p}:3:11: the file is not valid UTF-8 (byte 0xe9); save the file as UTF-8",
    "binary.yaml": "{p}:1:1: this is not a text file (it contains NUL bytes); a map is a UTF-8 YAML file",
}

HEADLINE_ONLY: dict[str, str] = {
    "huge-integer.yaml": "{p}:10:18: number with 5000 digits is too long; numbers here have at most 40 digits",
    "deep-nesting.yaml": "{p}:3:71: nesting deeper than 64 levels; a journey map is a few levels deep; check the brackets and indentation",
    "alias-bomb.yaml": "{p}:10:8: the document expands to more than 1,000,000 values through aliases; this looks like an alias bomb; write the values out",
}


def test_every_case_file_has_an_expectation() -> None:
    files = {p.name for p in (ROOT / CASES).glob("*.yaml")}
    assert files == set(EXPECTED) | set(HEADLINE_ONLY)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_map_message(name: str) -> None:
    path = CASES / name
    r = run_cli("validate", "-q", str(path), cwd=ROOT)
    assert r.code == 2
    assert r.out == ""
    assert r.err.rstrip("\n") == EXPECTED[name].format(p=path)
    assert "Traceback" not in r.err


@pytest.mark.parametrize("name", sorted(HEADLINE_ONLY))
def test_hostile_input_fails_fast_with_position(name: str) -> None:
    path = CASES / name
    start = time.perf_counter()
    with pytest.raises(MapError) as info:
        load_map(ROOT / path)
    elapsed = time.perf_counter() - start
    assert str(info.value) == HEADLINE_ONLY[name].format(p=ROOT / path)
    assert (
        elapsed < 5
    )  # generous: the point is "not minutes, no crash"; speed itself is benchmarked
    r = run_cli("validate", "-q", str(path), cwd=ROOT)
    assert r.code == 2
    assert r.err.splitlines()[0] == HEADLINE_ONLY[name].format(p=path)
    assert "Traceback" not in r.err


def test_yaml11_words_stay_strings() -> None:
    loaded = load_map(ROOT / "tests/cases/valid/yaml11-words.yaml")
    tps = loaded.map.touchpoints
    assert list(tps) == ["yes", "no", "off"]
    assert tps["yes"].name == "no"
    assert tps["yes"].transitions == {"no": 5, "off": 3}
    assert loaded.map.stages[0].id == "on"
    assert loaded.map.stages[0].name == "off"
    assert tps["no"].goal is True


def test_all_errors_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "journeymap: 1\nid: shop\ntitle: Shop\nstages:\n  - id: buy\n    name: Buy\n"
        "    touchpoints:\n      - id: cart\n        name: Cart\n        entries: -1\n"
        "        colour: red\n      - id: pay\n        nme: Pay\n",
        encoding="utf-8",
    )
    with pytest.raises(MapError) as info:
        load_map(path)
    lines = [(d.position.line, d.position.col) for d in info.value.diagnostics if d.position]
    assert lines == [(10, 18), (11, 9), (12, 9), (13, 9)]
    messages = [d.message for d in info.value.diagnostics]
    assert messages[1] == "unknown key 'colour' in stages[0].touchpoints[0]"
    assert messages[2] == "missing required key 'name' in stages[0].touchpoints[1]"
    assert info.value.diagnostics[3].hint == "did you mean 'name'?"


def test_overlay_with_unknown_touchpoint() -> None:
    r = run_cli(
        "validate",
        "-q",
        "tests/cases/overlay/map.yaml",
        "--data",
        "tests/cases/overlay/unknown-touchpoint.yaml",
        cwd=ROOT,
    )
    assert r.code == 2
    assert r.err.rstrip("\n") == (
        "tests/cases/overlay/unknown-touchpoint.yaml:6:3: unknown touchpoint 'chekout' in the overlay's"
        " touchpoints; did you mean 'checkout'?\n"
        "    6 |   chekout: {next: {paid: 90}}\n"
        "      |   ^"
    )


def test_overlay_for_another_map(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("journeymap-data: 1\nmap: not-shop\ntouchpoints: {}\n", encoding="utf-8")
    r = run_cli("validate", "-q", str(ROOT / "tests/cases/overlay/map.yaml"), "--data", str(other))
    assert r.code == 2
    assert r.err.splitlines()[0] == (
        f"{other}:2:6: this overlay is for map 'not-shop', not 'shop'; give the overlay made for this map"
    )


def test_a_map_given_as_overlay_is_refused() -> None:
    r = run_cli("validate", "-q", "tests/cases/overlay/good.yaml", cwd=ROOT)
    assert r.code == 0  # an overlay alone validates as an overlay
    r = run_cli(
        "validate",
        "-q",
        "tests/cases/overlay/map.yaml",
        "--data",
        "tests/cases/overlay/map.yaml",
        cwd=ROOT,
    )
    assert r.code == 2
    assert "missing required key 'journeymap-data'" in r.err


def test_shape_and_reference_errors_come_together(tmp_path: Path) -> None:
    path = tmp_path / "both.yaml"
    path.write_text(
        "journeymap: 1\nid: shop\ntitle: Shop\nstages:\n  - id: buy\n    name: Buy\n"
        "    touchpoints:\n      - id: cart\n        name: Cart\n        entries: lots\n"
        "        next: {chekout: 3}\n      - id: checkout\n        name: Checkout\n",
        encoding="utf-8",
    )
    r = run_cli("validate", "-q", str(path))
    assert r.code == 2
    headlines = [line for line in r.err.splitlines() if line.startswith(str(path))]
    assert headlines == [
        f"{path}:10:18: stages[0].touchpoints[0].entries must be a whole number, got 'lots'; counts are whole"
        " numbers of customers or transitions, written without quotes",
        f"{path}:11:16: unknown touchpoint 'chekout' in the transitions of 'cart'; did you mean 'checkout'?",
    ]
