"""`journeymap import funnel|paths`: aggregated exports to overlays, hand-worked and round-tripped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from journeymap.analysis import analyze
from journeymap.events.funnel_reports import funnel_overlay, parse_steps
from journeymap.events.path_tables import paths_overlay
from journeymap.graph import build_graph
from journeymap.io import load_map
from tests.support import MAPS, Result

DATA = Path(__file__).parent / "data" / "imports"
SHOP = MAPS / "first-purchase.yaml"
STEPS = "product-page,cart,checkout,order-confirmation"


@pytest.mark.parametrize("sample", ["ga4-funnel.csv", "amplitude-funnel.csv", "posthog-funnel.csv"])
def test_funnel_reports_of_each_tool(sample: str) -> None:
    jm = load_map(SHOP).map
    result = funnel_overlay(jm, str(DATA / sample), parse_steps([STEPS]))
    tps = result.overlay.touchpoints
    assert result.rows == 4
    assert [(t, tps[t].customers, tps[t].exits) for t in tps] == [
        ("product-page", 12000, 6000),
        ("cart", 6000, 3000),
        ("checkout", 3000, 1800),
        ("order-confirmation", 1200, 0),
    ]
    assert tps["product-page"].entries == 12000
    assert tps["checkout"].next == {"order-confirmation": 1200}
    assert result.overlay.settings["grain"] == "funnel"


def test_ga4_dates_become_the_period() -> None:
    jm = load_map(SHOP).map
    ov = funnel_overlay(jm, str(DATA / "ga4-funnel.csv"), parse_steps([STEPS])).overlay
    assert ov.period is not None and not isinstance(ov.period, str)
    assert (ov.period.start.isoformat(), ov.period.end.isoformat()) == ("2026-07-01", "2026-09-30")


def test_funnel_round_trips_through_analyze(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "funnel.yaml"
    r = cli(
        "import",
        "funnel",
        str(DATA / "ga4-funnel.csv"),
        "--map",
        str(SHOP),
        "--steps",
        STEPS,
        "-o",
        str(out),
    )
    assert r.code == 0, r.err
    assert "4 steps, 12,000 customers entered, 1,200 reached 'order-confirmation'" in r.err
    r = cli("analyze", str(SHOP), "--data", str(out), "--format", "json", "--samples", "0")
    assert r.code == 0, r.err
    s = json.loads(r.out)["summary"]
    # independent: the funnel's own ratio, last step over first
    assert s["conversion_probability"] == pytest.approx(1200 / 12000)
    assert s["conversions"] == 1200


def test_funnel_steps_by_name() -> None:
    jm = load_map(SHOP).map
    steps = parse_steps(["View product=product-page,Purchase=order-confirmation"])
    result = funnel_overlay(jm, str(DATA / "amplitude-funnel.csv"), steps)
    tps = result.overlay.touchpoints
    assert tps["product-page"].next == {"order-confirmation": 1200}
    assert tps["product-page"].exits == 10800
    # the report's other rows are not lost in silence
    assert result.notes[-1] == (
        "2 step(s) of the report named by no touchpoint, not counted: 'Add to cart', 'Begin checkout'"
    )


def test_funnel_errors_point_at_the_row(
    cli: Callable[..., Result], write: Callable[[str, str], Path]
) -> None:
    r = cli(
        "import",
        "funnel",
        str(DATA / "ga4-funnel.csv"),
        "--map",
        str(SHOP),
        "--steps",
        "product-page,cart,chekout,order-confirmation",
    )
    assert r.code == 2
    assert (
        f"{DATA / 'ga4-funnel.csv'}:9:1: the step 'chekout' is no touchpoint of the map; did you mean 'checkout'?"
        in r.err
    )
    assert "Traceback" not in r.err
    grows = write("grows.csv", "Step,Users\nA,100\nB,120\n")
    r = cli("import", "funnel", str(grows), "--map", str(SHOP), "--steps", "product-page,cart")
    assert r.code == 2
    assert f"{grows}:3:3: step 2 'cart' has more users (120) than step 1 (100)" in r.err
    bad = write("bad.csv", "Step,Users\nA,100\nB,lots\n")
    r = cli("import", "funnel", str(bad), "--map", str(SHOP), "--steps", "product-page,cart")
    assert r.code == 2
    assert f"{bad}:3:3: 'lots' in column 'Users' is not a whole number of customers" in r.err
    r = cli(
        "import", "funnel", str(bad), "--map", str(SHOP), "--steps", "product-page,cart,checkout"
    )
    assert r.code == 2 and "has 2 steps and 3 touchpoints were named" in r.err


ALIASES = {"Social ad": "social-ad", "Organic search": "organic-search"}


def test_path_table_hand_worked() -> None:
    jm = load_map(SHOP).map
    result = paths_overlay(jm, str(DATA / "paths.csv"), aliases=ALIASES)
    tps = result.overlay.touchpoints
    # rows: 400 + 500 + 400 + 900 + 100 journeys; ids matched by name ("Product page"), by id
    # ("social-ad") and by alias ("Social ad")
    assert tps["social-ad"].entries == 800
    assert tps["search-ad"].entries == 600 and tps["organic-search"].entries == 900
    assert tps["search-ad"].next == {"cart": 100, "product-page": 500}
    # "Product page > Product page" collapses: 500 journeys lose one repeated visit
    assert "product-page" not in tps["product-page"].next
    assert tps["product-page"].next == {"cart": 1300}
    assert tps["product-page"].exits == 900
    assert tps["cart"].next == {"checkout": 1000} and tps["cart"].exits == 500
    assert tps["checkout"].next == {"cart": 100, "payment": 900}
    assert tps["payment"].next == {"order-confirmation": 500} and tps["payment"].exits == 400
    assert result.overlay.settings["collapsed_repeats"] == 500
    assert result.overlay.settings["conversion_value"] == 48.0


def test_path_table_round_trips_through_analyze(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "paths.json"
    r = cli(
        "import",
        "paths",
        str(DATA / "paths.csv"),
        "--map",
        str(SHOP),
        "--channel",
        "Social ad=social-ad",
        "--channel",
        "Organic search=organic-search",
        "-o",
        str(out),
    )
    assert r.code == 0, r.err
    r = cli("analyze", str(SHOP), "--data", str(out), "--format", "json", "--samples", "0")
    assert r.code == 0, r.err
    s = json.loads(r.out)["summary"]
    # the chain reproduces observed conversions when flow conserves: 500 of 2,300 journeys
    assert s["conversions"] == 500
    assert s["conversion_probability"] == pytest.approx(500 / 2300)
    assert s["flow_residual_max"] == 0


def test_unknown_channel_has_a_hint(cli: Callable[..., Result]) -> None:
    r = cli("import", "paths", str(DATA / "paths.csv"), "--map", str(SHOP))
    assert r.code == 2
    assert (
        "paths.csv:2:1: the channel 'Social ad' is no touchpoint of the map; "
        "did you mean 'social-ad'?"
    ) in r.err
    r = cli("import", "paths", str(DATA / "paths.csv"), "--map", str(SHOP), "--channel", "x=nope")
    assert r.code == 2 and "'x=nope': the map has no touchpoint 'nope'" in r.err


def test_import_never_overwrites_its_input(cli: Callable[..., Result], tmp_path: Path) -> None:
    table = tmp_path / "paths.csv"
    table.write_bytes((DATA / "paths.csv").read_bytes())
    r = cli(
        "import",
        "paths",
        str(table),
        "--map",
        str(SHOP),
        "--channel",
        "Social ad=social-ad",
        "--channel",
        "Organic search=organic-search",
        "-o",
        str(table),
    )
    assert r.code == 2 and "refusing to overwrite the input file" in r.err
    assert table.read_bytes() == (DATA / "paths.csv").read_bytes()


def test_imported_overlays_validate() -> None:
    jm = load_map(SHOP).map
    ov = paths_overlay(jm, str(DATA / "paths.csv"), aliases=ALIASES).overlay
    G = build_graph(jm, ov)
    assert analyze(G, samples=0).to_dict()["summary"]["conversions"] == 500


def test_a_bad_period_is_refused_before_writing(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "f.yaml"
    r = cli(
        "import",
        "funnel",
        str(DATA / "ga4-funnel.csv"),
        "--map",
        str(SHOP),
        "--steps",
        STEPS,
        "--period",
        "2026-Q9",
        "-o",
        str(out),
    )
    assert r.code == 2 and "'2026-Q9' is not an ISO period" in r.err
    assert not out.exists()


def test_imported_files_validate_against_the_published_schema(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    import jsonschema
    import yaml

    schema = json.loads((MAPS.parent / "docs" / "schema" / "overlay.schema.json").read_text())
    for name, args in [
        ("f.json", ["funnel", str(DATA / "ga4-funnel.csv"), "--steps", STEPS]),
        (
            "p.yaml",
            [
                "paths",
                str(DATA / "paths.csv"),
                "--channel",
                "Social ad=social-ad",
                "--channel",
                "Organic search=organic-search",
            ],
        ),
    ]:
        out = tmp_path / name
        r = cli("import", *args, "--map", str(SHOP), "-o", str(out))
        assert r.code == 0, r.err
        text = out.read_text(encoding="utf-8")
        doc = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
        jsonschema.validate(doc, schema)
        if name.endswith(".yaml"):
            assert text.startswith("# yaml-language-server: $schema=")
