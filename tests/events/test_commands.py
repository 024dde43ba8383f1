"""The commands: ingest, discover, conform, ingest-survey (exit codes, files, messages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from journeymap.events import Columns, IngestOptions, ingest
from journeymap.events.conform import conformance
from journeymap.events.discover import discover
from journeymap.events.ingest_output import segment_path
from journeymap.graph import FLOW_RESIDUAL, VISITS, build_graph
from journeymap.io import LoadedMap, load_map, load_overlay
from tests.support import run_cli

DATA = Path(__file__).parent / "data"
ECOM = DATA / "retentioneering-ecom.csv.gz"

MAP = """\
journeymap: 1
id: shop
title: Магазин
stages:
  - id: browse
    name: Browse
    touchpoints:
      - id: home
        name: Home
        next: [product]
      - id: product
        name: Product
        events: [{pattern: "product_.*"}]
        next: {cart: 10}
      - id: cart
        name: Cart
        next: [paid]
        scores:
          ces: {scale: [1, 7], direction: higher_is_better, question: "How easy was checkout?"}
      - id: paid
        name: Paid
        goal: true
        scores:
          nps: {scale: [0, 10]}
"""

LOG = """\
user_id,timestamp,event,plan
u1,2026-01-01T10:00:00Z,home,free
u1,2026-01-01T10:01:00Z,product_view,free
u1,2026-01-01T10:02:00Z,cart,free
u1,2026-01-01T10:03:00Z,paid,free
u2,2026-01-01T10:00:00Z,home,pro/../x
u2,2026-01-01T10:01:00Z,cart,pro/../x
u2,2026-01-01T10:02:00Z,help,pro/../x
"""


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, Path]:
    m = tmp_path / "shop.yaml"
    m.write_text(MAP, encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    return m, log


def test_ingest_json_contract_and_yaml_load_as_data(
    shop: tuple[Path, Path], tmp_path: Path
) -> None:
    m, log = shop
    r = run_cli(
        "ingest", str(log), "--map", str(m), "-o", str(tmp_path / "o.json"), "--lost-after", "0s"
    )
    assert r.code == 0, r.err
    doc = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    assert doc["journeymap-data"] == 1 and doc["map"] == "shop"
    assert list(doc["touchpoints"]) == ["home", "product", "cart", "paid"]
    home = doc["touchpoints"]["home"]
    assert home["next"] == {"cart": 1, "product": 1}
    assert doc["unmapped"] == {"help": 1}
    assert doc["settings"]["lost_after"] == "0s"
    r = run_cli(
        "ingest",
        str(log),
        "--map",
        str(m),
        "-o",
        str(tmp_path / "o.yaml"),
        "--lost-after",
        "0s",
        "-q",
    )
    assert r.code == 0 and r.err == ""
    raw = yaml.safe_load((tmp_path / "o.yaml").read_text(encoding="utf-8"))
    assert raw["touchpoints"]["home"]["next"] == {"cart": 1, "product": 1}
    for name in ("o.json", "o.yaml"):
        r = run_cli("validate", str(m), "--data", str(tmp_path / name))
        assert r.code == 0, r.err
        loaded = load_map(m, data=tmp_path / name)
        G = build_graph(loaded.map, loaded.overlay)
        assert G.nodes["home"][VISITS] == 2
        assert all(G.nodes[n][FLOW_RESIDUAL] == 0 for n in G.nodes)
    # the same input gives the same bytes
    r = run_cli("ingest", str(log), "--map", str(m), "--format", "json", "--lost-after", "0s")
    assert r.out == (tmp_path / "o.json").read_text(encoding="utf-8")


def test_ingest_segment_by_writes_safe_file_names(shop: tuple[Path, Path], tmp_path: Path) -> None:
    m, log = shop
    out = tmp_path / "seg" / "o.json"
    out.parent.mkdir()
    r = run_cli("ingest", str(log), "--map", str(m), "-o", str(out), "--segment-by", "plan")
    assert r.code == 0, r.err
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == sorted(
        [
            Path(segment_path(str(out), "free", False)).name,
            Path(segment_path(str(out), "pro/../x", False)).name,
        ]
    )
    assert all(".." not in n.removesuffix(".json").replace(".", "", 1) for n in names)
    assert any(n.startswith("o.pro-x-") for n in names)
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in out.parent.iterdir()]
    assert sorted(d["segment"]["plan"] for d in docs) == ["free", "pro/../x"]
    r = run_cli("ingest", str(log), "--map", str(m), "--segment-by", "plan")
    assert r.code == 2 and "give -o OUTPUT" in r.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--customer-column", "uid"],
            "no column 'uid' (named by --customer-column); did you mean 'user_id'?",
        ),
        (
            ["--goal", "cart"],
            "--goal: the map has no goal 'cart'; 'cart' is a touchpoint but not a goal",
        ),
        (
            ["--session-timeout", "half an hour"],
            "--session-timeout: 'half an hour' is not a duration",
        ),
        (
            ["--timezone", "Europe/Rega"],
            "--timezone: unknown time zone 'Europe/Rega'; did you mean 'Europe/Riga'?",
        ),
    ],
)
def test_ingest_usage_errors(shop: tuple[Path, Path], args: list[str], message: str) -> None:
    m, log = shop
    r = run_cli("ingest", str(log), "--map", str(m), *args)
    assert r.code == 2
    assert message in r.err
    assert "Traceback" not in r.err


def test_ingest_missing_files(shop: tuple[Path, Path], tmp_path: Path) -> None:
    m, _ = shop
    r = run_cli("ingest", str(tmp_path / "nope-*.csv"), "--map", str(m))
    assert (r.code, r.err.strip()) == (2, f"no files match {tmp_path / 'nope-*.csv'}")
    (tmp_path / "x.xlsx").write_text("")
    r = run_cli("ingest", str(tmp_path / "x.xlsx"), "--map", str(m))
    assert r.code == 2 and "unknown event-log format" in r.err


def test_ingest_never_overwrites_an_input(shop: tuple[Path, Path]) -> None:
    m, log = shop
    r = run_cli("ingest", str(log), "--map", str(m), "-o", str(log))
    assert r.code == 2 and "refusing to overwrite the input file" in r.err


def test_print_sql_for_each_dialect(shop: tuple[Path, Path]) -> None:
    import sqlglot

    m, _ = shop
    for dialect in ("duckdb", "spark", "bigquery", "snowflake", "postgres"):
        r = run_cli(
            "ingest",
            "unused.csv",
            "--map",
            str(m),
            "--print-sql",
            "--dialect",
            dialect,
            "--timezone",
            "Europe/Riga",
        )
        assert r.code == 0, r.err
        # the rows, jm_raw and jm_evs (events/layers.py), three relations, six result queries
        assert len([s for s in sqlglot.parse(r.out, read=dialect) if s]) == 12


def test_conform_findings_and_exit_codes(shop: tuple[Path, Path], tmp_path: Path) -> None:
    m, log = shop
    r = run_cli("conform", str(m), str(log), "--format", "json")
    assert r.code == 1
    doc = json.loads(r.out)
    [result] = doc["maps"]
    assert result["figures"] == {
        "coverage": round(6 / 7, 6),
        "undeclared_share": 0.25,
        "transitions": 4,
    }
    found = [
        (f["code"], f["line"], f["col"], f["data"].get("touchpoint"), f["data"].get("target"))
        for f in result["findings"]
    ]
    # home is declared at line 8, col 13; 'help' is on no line of the map
    assert found == [("JM401", 8, 13, "home", "cart"), ("JM404", None, None, None, "help")]
    shadow = result["findings"][0]
    assert (shadow["name"], shadow["severity"], shadow["subject"]) == (
        "conform.shadow_path",
        "warning",
        "touchpoint:home",
    )
    assert shadow["data"] == {"count": 1, "share": 0.25, "target": "cart", "touchpoint": "home"}
    assert (doc["exit_code"], doc["summary"]["warnings"]) == (1, 2)
    text = run_cli("conform", str(m), str(log))
    assert text.code == 1
    assert (
        f"{m}:8:13: JM401 warning: shadow path home -> cart: 1 transitions (25.0% of flow)"
        in text.out
    )
    assert "JM404 warning: event 'help' is not mapped to any touchpoint: 1 events" in text.out
    assert "journeymap conform failed: 1 map, 0 errors, 2 warnings" in text.out
    assert text.out.endswith("coverage 85.7%, 25.0% of 4 transitions on shadow paths\n")
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "user_id,timestamp,event\nu,2026-01-01T10:00:00Z,home\nu,2026-01-01T10:01:00Z,product_x\n"
        "u,2026-01-01T10:02:00Z,cart\nu,2026-01-01T10:03:00Z,paid\n",
        encoding="utf-8",
    )
    r = run_cli("conform", str(m), str(clean))
    assert r.code == 0, r.out + r.err
    assert "journeymap conform passed: 1 map, 0 errors, 0 warnings" in r.out


def test_conform_summary_spells_a_missing_share_as_every_figure(
    shop: tuple[Path, Path], tmp_path: Path
) -> None:
    """No transitions, so no share on shadow paths: the summary writes figures.MISSING."""
    m, _ = shop
    single = tmp_path / "single.csv"
    single.write_text("user_id,timestamp,event\nu,2026-01-01T10:00:00Z,home\n", encoding="utf-8")
    r = run_cli("conform", str(m), str(single))
    assert r.out.endswith("coverage 100.0%, – of 0 transitions on shadow paths\n"), r.out + r.err


def test_conform_speaks_every_check_format(shop: tuple[Path, Path], tmp_path: Path) -> None:
    """One findings pipeline: conform renders through report like check (github, junit, sarif)."""
    import xml.etree.ElementTree as ET

    m, log = shop
    r = run_cli("conform", str(m), str(log), "--format", "github")
    assert r.code == 1
    assert r.out.splitlines()[1] == (
        f"::warning file={m},line=8,col=13,title=JM401 conform.shadow_path::shadow path home -> cart: "
        "1 transitions (25.0%25 of flow), not declared in the map; declare 'cart' under next, or fix "
        "the events that map to it"
    )
    assert r.out.splitlines()[-1] == "journeymap conform: 1 map, 0 errors, 2 warnings"
    out = tmp_path / "r.xml"
    assert run_cli("conform", str(m), str(log), "--format", "junit", "-o", str(out)).code == 1
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert (root.get("name"), root.get("tests"), root.get("failures")) == (
        "journeymap conform",
        "2",
        "2",
    )
    r = run_cli("conform", str(m), str(log), "--format", "sarif")
    run = json.loads(r.out)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["JM401"]["name"] == "conform.shadow_path"
    assert rules["JM404"]["shortDescription"]["text"] == "An event name no rule of the map maps."
    assert [res["ruleId"] for res in run["results"]] == ["JM404", "JM401"]  # sorted by position
    assert run["results"][1]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 8,
        "startColumn": 13,
    }


def test_conform_limit_keeps_the_largest_of_each_code(tmp_path: Path) -> None:
    m = tmp_path / "m.yaml"
    m.write_text(MAP, encoding="utf-8")
    log = tmp_path / "log.csv"
    rows = [
        f"u{i},2026-01-01T10:0{k}:00Z,{ev}" for i in range(3) for k, ev in enumerate(["a", "b"])
    ]
    rows += [f"v{i},2026-01-01T10:00:00Z,c" for i in range(5)]
    log.write_text("user_id,timestamp,event\n" + "\n".join(rows) + "\n", encoding="utf-8")
    r = run_cli("conform", str(m), str(log), "--limit", "1")
    # unmapped: c (5 events) before a and b (3 each): only c is shown, two more are counted
    assert "JM404 warning: event 'c' is not mapped" in r.out
    assert "event 'a'" not in r.out and "event 'b'" not in r.out
    assert "... 2 more JM404 findings not shown" in r.out
    assert "... 3 more JM403 findings not shown" in r.out
    assert (
        "0 errors, 10 warnings" in r.out
    )  # the count covers every finding (3 JM402, 4 JM403, 3 JM404)


def test_conform_unused_parts() -> None:
    from journeymap.model import JourneyMap, Overlay

    jm = JourneyMap.model_validate(yaml.safe_load(MAP))
    overlay = Overlay.model_validate(
        {
            "journeymap-data": 1,
            "map": "shop",
            "touchpoints": {
                "home": {"visits": 3, "next": {"product": 3}},
                "product": {"visits": 3},
            },
            "unmapped": {"a": 1, "b": 5},
        }
    )
    c = conformance(jm, overlay)
    assert [(dict(f.data)["touchpoint"], dict(f.data)["target"]) for f in c.of("JM402")] == [
        ("product", "cart"),
        ("cart", "paid"),
    ]
    assert [f.subject for f in c.of("JM403")] == ["touchpoint:cart", "touchpoint:paid"]
    assert [f.subject for f in c.of("JM404")] == ["event:b", "event:a"]  # by volume
    assert all(f.position is None for f in c.findings)  # a bare model has no positions
    assert c.undeclared_share == 0.0
    loaded = load_map_text(MAP)
    positions = [
        (f.code, f.position.line, f.position.col)
        for f in conformance(loaded, overlay).findings
        if f.position is not None
    ]
    # product's 'next: {cart: 10}' (14:22), cart's 'next: [paid]' (17:16), the ids of cart and paid
    assert positions == [("JM402", 14, 22), ("JM402", 17, 16), ("JM403", 15, 13), ("JM403", 20, 13)]


def load_map_text(text: str) -> LoadedMap:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    (folder / "shop.yaml").write_text(text, encoding="utf-8")
    return load_map(folder / "shop.yaml")


@pytest.mark.slow
def test_discover_draft_validates_and_conserves_on_a_public_clickstream(tmp_path: Path) -> None:
    """retentioneering's bundled e-commerce clickstream (Apache-2.0): discover -> ingest -> graph."""
    draft = tmp_path / "draft.yaml"
    r = run_cli(
        "discover", str(ECOM), "--goal", "purchase", "-o", str(draft), "--max-touchpoints", "12"
    )
    assert r.code == 0, r.err
    loaded = load_map(draft)
    assert len(loaded.map.touchpoints) == 12
    assert loaded.map.goals == ["purchase"]
    assert "# " in draft.read_text(encoding="utf-8")  # commented
    out = tmp_path / "o.json"
    r = run_cli("ingest", str(ECOM), "--map", str(draft), "-o", str(out))
    assert r.code == 0, r.err
    loaded = load_map(draft, data=out)
    G = build_graph(loaded.map, loaded.overlay)
    assert all(G.nodes[n][FLOW_RESIDUAL] == 0 for n in G.nodes)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert sum(doc["unmapped"].values()) > 0  # 7 of 19 event names are not on a 12-touchpoint draft
    assert doc["bad_rows"] == 0
    r = run_cli("analyze", str(draft), "--data", str(out), "--format", "json", "--samples", "0")
    assert r.code == 0, r.err
    assert json.loads(r.out)["map"]["id"] == "draft"
    r = run_cli("discover", str(ECOM), "-o", str(draft))
    assert r.code == 2 and "exists already" in r.err


def test_discover_library_on_small_log(tmp_path: Path) -> None:
    log = tmp_path / "l.csv"
    log.write_text(
        "user_id,timestamp,event\n"
        + "".join(
            f"u{i},2026-01-01T10:00:0{k}Z,{ev}\n"
            for i in range(3)
            for k, ev in enumerate(["Landing page", "add/cart", "buy"])
        ),
        encoding="utf-8",
    )
    d = discover([str(log)], goal="buy", map_id="small")
    doc = yaml.safe_load(d.text)
    tps = [tp for s in doc["stages"] for tp in s["touchpoints"]]
    assert [tp["id"] for tp in tps] == ["Landing-page", "add-cart", "buy"]
    assert tps[0]["events"] == ["Landing page"] and tps[0]["next"] == ["add-cart"]
    assert tps[2]["goal"] is True
    (tmp_path / "d.yaml").write_text(d.text, encoding="utf-8")
    jm = load_map(tmp_path / "d.yaml").map
    [r] = ingest(jm, [str(log)], IngestOptions())
    assert r.overlay.touchpoints["add-cart"].conversions == 3
    assert r.overlay.coverage == 1.0
    assert jm == d.map  # the draft's text loads back to the model discover built


SURVEY = """\
touchpoint,metric,score,respondent,submitted
paid,nps,10,a,2026-01-01
paid,nps,9,b,2026-01-01
paid,nps,6,c,2026-01-01
paid,nps,0,c,2026-01-05
How easy was checkout?,,7,a,2026-01-01
cart,ces,5,b,2026-01-02
paid,,,d,2026-01-02
"""


def test_ingest_survey_counts_responses(shop: tuple[Path, Path], tmp_path: Path) -> None:
    m, log = shop
    answers = tmp_path / "answers.csv"
    answers.write_text(SURVEY, encoding="utf-8")
    out = tmp_path / "scores.yaml"
    r = run_cli(
        "ingest-survey",
        str(answers),
        "--map",
        str(m),
        "-o",
        str(out),
        "--customer-column",
        "respondent",
        "--time-column",
        "submitted",
    )
    assert r.code == 0, r.err
    overlay, _, _ = load_overlay(out)
    nps = overlay.touchpoints["paid"].scores.nps  # type: ignore[union-attr]
    assert nps is not None and nps.responses == {10: 1, 9: 1, 0: 1}  # c's latest answer (0) counts
    ces = overlay.touchpoints["cart"].scores.ces  # type: ignore[union-attr]
    assert (
        ces is not None
        and ces.responses == {7: 1, 5: 1}
        and ces.direction.value == "higher_is_better"
    )
    assert "1 rows without an answer" in r.err and "1 repeated answers" in r.err
    # added to an overlay from events: the counts stay, the responses join them
    flow = tmp_path / "flow.json"
    assert run_cli("ingest", str(log), "--map", str(m), "-o", str(flow)).code == 0
    both = tmp_path / "both.json"
    r = run_cli(
        "ingest-survey", str(answers), "--map", str(m), "--overlay", str(flow), "-o", str(both)
    )
    assert r.code == 0, r.err
    loaded = load_map(m, data=both)
    assert loaded.overlay is not None
    assert loaded.overlay.touchpoints["home"].entries == 2
    assert loaded.overlay.touchpoints["paid"].scores.nps.responses == {10: 1, 9: 1, 6: 1, 0: 1}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "paid,nps,11,a,x",
            "answers.csv:2:1: NPS answer 11 lies outside the scale [0, 10] of 'paid'",
        ),
        (
            "checkot,ces,3,a,x",
            "answers.csv:2:1: 'checkot' is neither a touchpoint id nor a question of the map",
        ),
        ("home,,3,a,x", "answers.csv:2:1: which metric is this answer for 'home'?"),
        ("paid,nps,nine,a,x", "answers.csv:2:1: score 'nine' is not a whole number"),
        ("home,ces,3,a,x", "answers.csv:2:1: the map declares no CES survey for 'home'"),
    ],
)
def test_ingest_survey_errors_point_at_the_line(
    shop: tuple[Path, Path], tmp_path: Path, row: str, message: str
) -> None:
    m, _ = shop
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "touchpoint,metric,score,respondent,submitted\n" + row + "\n", encoding="utf-8"
    )
    r = run_cli("ingest-survey", "answers.csv", "--map", str(m), cwd=tmp_path)
    assert r.code == 2
    assert message in r.err, r.err
    assert "Traceback" not in r.err


def test_library_errors_name_settings_and_the_cli_names_options(
    shop: tuple[Path, Path], tmp_path: Path
) -> None:
    """The event layer speaks of its settings; only the CLI knows they are options."""
    from journeymap.events.settings import SettingError, parse_duration

    m, log = shop
    jm = load_map(m).map
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: parse_duration("soon", "lost_after"), "lost_after: 'soon' is not a duration"),
        (
            lambda: ingest(jm, [str(log)], IngestOptions(timezone="Mars/Base")),
            "timezone: unknown time zone 'Mars/Base'",
        ),
        (
            lambda: ingest(jm, [str(log)], IngestOptions(session_timeout=0)),
            "session_timeout must be longer than 0 seconds",
        ),
        (
            lambda: ingest(jm, [str(log)], IngestOptions(columns=Columns(customer="uid"))),
            f"{log}: no column 'uid' (named by columns.customer)",
        ),
        (lambda: discover([str(log)], max_touchpoints=0), "max_touchpoints must be at least 1"),
        (lambda: discover([str(log)], goal="buy"), "goal: no event 'buy' in the log"),
    ]
    for call, message in cases:
        with pytest.raises(SettingError) as info:
            call()
        assert str(info.value) == message
        assert "--" not in str(info.value)
    bad = tmp_path / "bad.csv"
    bad.write_text("user_id,timestamp,event\n,2026-01-01T10:00:00Z,home\n", encoding="utf-8")
    with pytest.raises(SettingError) as info:
        ingest(jm, [str(bad)], IngestOptions(strict=True))
    assert str(info.value) == f"{bad}: line 2: no customer id (strict refuses incomplete rows)"
    r = run_cli("ingest", str(bad), "--map", str(m), "--strict")
    assert r.code == 2
    assert f"{bad}: line 2: no customer id (--strict refuses incomplete rows)" in r.err
    assert "leave out --strict to count such rows instead" in r.err
    for args, message in [
        (
            ["discover", str(log), "-o", str(tmp_path / "d.yaml"), "--max-touchpoints", "0"],
            "--max-touchpoints must be at least 1",
        ),
        (
            ["discover", str(log), "-o", str(tmp_path / "d.yaml"), "--goal", "buy"],
            "--goal: no event 'buy' in the log",
        ),
        (
            ["ingest", str(log), "--map", str(m), "--lost-after", "soon"],
            "--lost-after: 'soon' is not a duration",
        ),
    ]:
        r = run_cli(*args)
        assert (r.code, message in r.err, "Traceback" in r.err) == (2, True, False), r.err
