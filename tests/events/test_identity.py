"""One person, many ids (issue 13): identity stitching over the customer and further id columns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from journeymap.events import Columns, IngestOptions, ingest
from journeymap.events.identity import resolve
from journeymap.events.settings import BadRowLimit, SettingError
from tests.events.support import SHOP, by_id, make_map, written
from tests.support import run_cli

HEADER = "user_id,device_id,anonymous_id,timestamp,event"
# anonymous browsing on d1, login on d1 (alice), then alice alone; d2 never logs in;
# one row carries no id at all.
LOGIN = [
    ",d1,,2026-01-01T10:00:00Z,home",
    ",d1,,2026-01-01T10:01:00Z,product",
    "alice,d1,,2026-01-01T10:02:00Z,cart",
    "alice,,,2026-01-01T10:03:00Z,paid",
    ",d2,,2026-01-01T10:00:00Z,home",
    ",,,2026-01-01T10:00:00Z,home",
]


def write(tmp_path: Path, rows: list[str], name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def opts(*identities: str, **kw: Any) -> IngestOptions:
    return IngestOptions(
        columns=Columns(identities=identities),
        lost_after=0,
        max_bad_rows=BadRowLimit(count=1),
        **kw,
    )


def test_the_journey_before_login_and_after_it_is_one_journey(tmp_path: Path) -> None:
    f = write(tmp_path, LOGIN)
    [r] = ingest(make_map(), [str(f)], opts("device_id"))
    o = written(r.overlay)
    tp = by_id(o)
    # persons: {alice, d1} and {d2}; the id-less row has no customer
    assert r.totals.customers == 2
    assert (tp["home"]["entries"], tp["home"]["next"]) == (2, {"product": 1})
    assert tp["product"]["next"] == {"cart": 1} and tp["cart"]["next"] == {"paid": 1}
    assert tp["cart"]["conversions"] == 1
    assert o["left_out"]["no_customer"] == 1
    ident = o["settings"]["identity"]
    assert (ident["columns"], ident["ids"], ident["persons"], ident["ids_merged"]) == (
        ["user_id", "device_id"],
        3,
        2,
        1,
    )
    # without stitching alice's journey starts at cart and d1's ends at product
    [plain] = ingest(make_map(), [str(f)], IngestOptions(lost_after=0, max_bad_rows=BadRowLimit(4)))
    assert by_id(written(plain.overlay))["cart"]["entries"] == 1
    assert "identity" not in written(plain.overlay)["settings"]


def test_a_chain_of_links_makes_one_person_of_three_ids(tmp_path: Path) -> None:
    rows = [
        "a,b,,2026-01-01T10:00:00Z,home",  # a-b
        ",b,c,2026-01-01T10:01:00Z,product",  # b-c
        ",,c,2026-01-01T10:02:00Z,cart",  # c alone: still a's person
    ]
    [r] = ingest(make_map(), [str(write(tmp_path, rows))], opts("device_id", "anonymous_id"))
    ident = written(r.overlay)["settings"]["identity"]
    assert (r.totals.customers, ident["ids"], ident["persons"], ident["ids_merged"]) == (1, 3, 1, 2)
    tp = by_id(r.overlay)
    assert tp["home"]["next"] == {"product": 1} and tp["product"]["next"] == {"cart": 1}


def test_a_device_seen_with_two_users_joins_them(tmp_path: Path) -> None:
    """The documented rule: links are a union (a shared device makes one person, never a split)."""
    rows = [
        "alice,d1,,2026-01-01T10:00:00Z,home",
        "bob,d1,,2026-01-01T11:00:00Z,product",
        "bob,,,2026-01-01T11:01:00Z,cart",
    ]
    [r] = ingest(make_map(), [str(write(tmp_path, rows))], opts("device_id"))
    ident = written(r.overlay)["settings"]["identity"]
    assert (r.totals.customers, ident["persons"], ident["ids_merged"]) == (1, 1, 2)
    assert by_id(r.overlay)["home"]["next"] == {"product": 1}


def test_an_id_equal_to_another_columns_id_is_another_id(tmp_path: Path) -> None:
    rows = ["42,,,2026-01-01T10:00:00Z,home", ",42,,2026-01-01T10:01:00Z,product"]
    [r] = ingest(make_map(), [str(write(tmp_path, rows))], opts("device_id"))
    assert r.totals.customers == 2
    assert by_id(r.overlay)["home"]["next"] == {}


def test_the_person_key_is_the_smallest_user_id_else_the_smallest_other_id() -> None:
    p = resolve([("01:z", "00:m"), ("00:b", "01:z"), ("01:y", "02:q"), ("02:a", "01:y")])
    assert p.persons == {"00:m": "00:b", "01:z": "00:b", "02:a": "01:y", "02:q": "01:y"}
    assert (p.ids, p.ids_merged) == (6, 4)
    assert resolve([]).persons == {} and resolve([("00:a", "00:a")]).ids_merged == 0


def test_stitching_matches_networkx_components_on_a_random_log(tmp_path: Path) -> None:
    """Cross-check: persons from networkx's connected components, written as the customer column."""
    import random

    rng = random.Random(7)
    rows, plain = [], ["user_id,timestamp,event"]
    events = ["home", "product", "cart", "paid"]
    graph: nx.Graph[str] = nx.Graph()
    records = []
    for i in range(300):
        user = rng.choice(["", "", f"u{rng.randrange(15)}"])
        device = rng.choice(["", f"d{rng.randrange(25)}"])
        if not user and not device:
            device = f"d{rng.randrange(25)}"
        ids = [x for x in (f"00:{user}" if user else "", f"01:{device}" if device else "") if x]
        graph.add_nodes_from(ids)
        if len(ids) == 2:
            graph.add_edge(*ids)
        when = f"2026-01-{1 + i // 40:02d}T10:{i % 40:02d}:00Z"
        records.append((ids[0], when, rng.choice(events)))
        rows.append(f"{user},{device},,{when},{records[-1][2]}")
    person = {x: min(c) for c in nx.connected_components(graph) for x in c}
    plain += [f"{person[i]},{when},{ev}" for i, when, ev in records]
    (tmp_path / "plain.csv").write_text("\n".join(plain) + "\n")
    [r] = ingest(make_map(), [str(write(tmp_path, rows))], opts("device_id"))
    [ref] = ingest(make_map(), [str(tmp_path / "plain.csv")], IngestOptions(lost_after=0))
    assert written(r.overlay)["touchpoints"] == written(ref.overlay)["touchpoints"]
    ident = written(r.overlay)["settings"]["identity"]
    assert ident["persons"] == nx.number_connected_components(graph) == r.totals.customers
    assert ident["ids_merged"] == graph.number_of_nodes() - ident["persons"]


def test_a_missing_identity_column_is_named_by_its_option(tmp_path: Path) -> None:
    f = write(tmp_path, LOGIN)
    with pytest.raises(SettingError, match="no column 'device'"):
        ingest(make_map(), [str(f)], opts("device"))
    (tmp_path / "shop.yaml").write_text(__import__("yaml").safe_dump(SHOP))
    res = run_cli(
        "ingest", str(f), "--map", str(tmp_path / "shop.yaml"), "--identity-column", "device"
    )
    assert res.code == 2
    assert "no column 'device' (named by --identity-column)" in res.err
    assert "did you mean 'device_id'" in res.err.lower()
    assert "Traceback" not in res.err


def test_print_sql_refuses_stitching(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text(__import__("yaml").safe_dump(SHOP))
    shop = str(tmp_path / "shop.yaml")
    res = run_cli("ingest", "x.csv", "--map", shop, "--print-sql", "--identity-column", "d")
    assert res.code == 2
    assert "--identity-column: identity stitching runs on the data" in res.err


def test_the_summary_line_reports_the_merged_ids(tmp_path: Path) -> None:
    f = write(tmp_path, LOGIN)
    (tmp_path / "shop.yaml").write_text(__import__("yaml").safe_dump(SHOP))
    res = run_cli(
        *("ingest", str(f), "--map", str(tmp_path / "shop.yaml"), "-o", str(tmp_path / "o.json")),
        *("--identity-column", "device_id", "--max-bad-rows", "1", "--lost-after", "0s"),
    )
    assert res.code == 0, res.err
    assert "6 rows read, 5 events of 2 customers (1 id merged: 3 ids, 2 persons)" in res.err


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from journeymap.events.spark import local_session

    session = local_session(codegen=False)
    yield session
    session.stop()


@pytest.mark.spark
@pytest.mark.slow
def test_spark_stitches_like_duckdb(tmp_path: Path, spark: Any) -> None:
    f = write(tmp_path, LOGIN)
    duck = ingest(make_map(), [str(f)], opts("device_id"))
    spk = ingest(make_map(), [str(f)], opts("device_id"), engine="spark", spark=spark)
    assert written(duck[0].overlay) == written(spk[0].overlay)
