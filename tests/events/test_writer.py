"""Overlays written by journeymap load back through journeymap's own YAML 1.2 reader (issue 9, #5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeymap.io import (
    OverlayFormat,
    dump_json,
    dump_overlay,
    dump_yaml,
    load_map,
    load_overlay,
    parse_yaml,
    yaml_scalar,
)
from journeymap.model import Overlay
from tests.support import ROOT, run_cli

ODD_MAP = """\
journeymap: 1
id: odd
title: Odd ids
stages:
  - id: s
    name: S
    touchpoints:
      - id: '1e3'
        name: Scientific
        next: ['0o17']
      - id: '0o17'
        name: Octal
"""

ODD_LOG = """\
user_id,timestamp,event
u,2026-01-01T10:00:00Z,1e3
u,2026-01-01T10:01:00Z,0o17
u,2026-01-01T10:02:00Z,0x1F
u,2026-01-01T10:03:00Z,.inf
"""


def test_ingest_yaml_with_number_like_ids_loads_back(tmp_path: Path) -> None:
    """``1e3`` and ``0o17`` are numbers in YAML 1.2: written unquoted they would not read back."""
    m = tmp_path / "odd.yaml"
    m.write_text(ODD_MAP, encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text(ODD_LOG, encoding="utf-8")
    out = tmp_path / "o.yaml"
    r = run_cli("ingest", str(log), "--map", str(m), "-o", str(out), "--lost-after", "0s", "-q")
    assert r.code == 0, r.err
    overlay, _, _ = load_overlay(out)
    assert list(overlay.touchpoints) == ["1e3", "0o17"]
    assert overlay.touchpoints["1e3"].next == {"0o17": 1}
    assert overlay.unmapped == {".inf": 1, "0x1F": 1}
    assert load_map(m, data=out).overlay == overlay


# ------------------------------------------------------------------ round trip (hypothesis)

TRICKY = [
    "1e3",
    "0o17",
    "0x1F",
    "1_000",
    "0E0",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "Null",
    "~",
    "true",
    "False",
    "2026-01-01",
    "12:30",
    "<<",
    "=",
    ".inf",
    "-.5",
    "+1",
    "007",
    "",
    " ",
    "a: b",
    "#x",
    "- x",
    "[x]",
    "{x}",
    "'q'",
    '"q"',
    "\\",
    "Ünïcødé",
    "😀",
    "x\u2028y",
    "tab\there",
    "line\nbreak",
    "\ufeffbom",
    "del\x7f",
    "nel\x85",
    "\x00",
]
ID_TRICKY = [
    "1e3",
    "0o17",
    "0x1F",
    "1_000",
    "0E0",
    "yes",
    "no",
    "null",
    "true",
    "007",
    "Ünï",
    "a.b-c",
]

ids = st.one_of(
    st.sampled_from(ID_TRICKY),
    st.from_regex(r"\A[A-Za-z0-9_Üñé][A-Za-z0-9_.\-Üñé]{0,12}\Z", fullmatch=True),
)
texts = st.one_of(
    st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
)
counts = st.integers(min_value=0, max_value=10**12)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    counts,
    texts,
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def overlays(draw: st.DrawFn) -> Overlay:
    tids = draw(st.lists(ids, unique=True, max_size=5))
    touchpoints = {}
    for tid in tids:
        body: dict[str, Any] = {
            "entries": draw(counts),
            "next": draw(st.dictionaries(st.sampled_from(tids), counts, max_size=3)),
            "returns": draw(st.dictionaries(ids, counts, max_size=2)),
        }
        for key in ("visits", "customers", "exits", "in_progress", "unknown", "conversions"):
            if draw(st.booleans()):
                body[key] = draw(counts)
        if draw(st.booleans()):
            body["scores"] = {
                "nps": {
                    "scale": [0, 10],
                    "question": draw(texts),
                    "responses": draw(st.dictionaries(st.integers(0, 10), counts)),
                }
            }
        touchpoints[tid] = body
    doc: dict[str, Any] = {
        "journeymap-data": 1,
        "map": draw(ids),
        "touchpoints": touchpoints,
        "unmapped": draw(st.dictionaries(texts, counts, max_size=4)),
        "settings": draw(st.dictionaries(texts, values, max_size=4)),
    }
    if draw(st.booleans()):
        doc["coverage"] = draw(st.one_of(st.none(), st.floats(0, 1)))
    if draw(st.booleans()):
        doc["segment"] = {draw(texts): draw(st.one_of(st.none(), texts))}
    if draw(st.booleans()):
        doc["period"] = draw(
            st.sampled_from(["2026-Q3", "2026-07", {"start": "2026-01-01", "end": "2026-01-31"}])
        )
    return Overlay.model_validate(doc)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(overlay=overlays(), fmt=st.sampled_from(list(OverlayFormat)))
def test_written_overlays_load_back_equal(
    overlay: Overlay, fmt: OverlayFormat, tmp_path: Path
) -> None:
    """load(write(overlay)) == overlay through journeymap's own reader, in YAML and in JSON."""
    path = tmp_path / f"o.{fmt.value}"
    text = dump_overlay(overlay, fmt)
    path.write_text(text, encoding="utf-8")
    loaded, _, _ = load_overlay(path)
    assert loaded == overlay
    assert dump_overlay(loaded, fmt) == text  # and writing it again gives the same bytes


@given(value=texts)
def test_every_string_is_written_as_that_string(value: str) -> None:
    """The writer's quoting agrees with the reader for every string, as a value and as a key."""
    assert parse_yaml(dump_yaml({"k": value, value: 1}), "m.yaml") == {"k": value, value: 1}
    assert parse_yaml(f"k: {yaml_scalar(value)}\n", "m.yaml") == {"k": value}
    assert parse_yaml(f"k: {yaml_scalar(value, double=True)}\n", "m.yaml") == {"k": value}
    assert json.loads(dump_json({value: value})) == {value: value}
    assert parse_yaml(dump_json({value: value}), "m.json") == {value: value}


# ------------------------------------------------------------- the published overlay schema

SCHEMA = json.loads((ROOT / "docs" / "schema" / "overlay.schema.json").read_text(encoding="utf-8"))
MAP_SCHEMA = json.loads(
    (ROOT / "docs" / "schema" / "journeymap.schema.json").read_text(encoding="utf-8")
)


def _validate(path: Path, schema: dict[str, Any]) -> None:
    import jsonschema

    doc = parse_yaml(path.read_bytes(), str(path))
    jsonschema.validate(_unpos(doc), schema, cls=jsonschema.Draft202012Validator)


def _unpos(value: Any) -> Any:
    """Plain containers with string keys, as a JSON Schema validator sees a YAML document."""
    if isinstance(value, dict):
        return {str(k): _unpos(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unpos(v) for v in value]
    return value


def test_the_published_schemas_are_the_models() -> None:
    from journeymap.cli.validate import schema_text

    assert json.loads(schema_text(overlay=True)) == SCHEMA
    assert json.loads(schema_text()) == MAP_SCHEMA


def test_written_files_validate_against_the_published_schemas(tmp_path: Path) -> None:
    """ingest (YAML and JSON), ingest-survey (YAML and JSON, alone and on an overlay) and discover."""
    m = tmp_path / "odd.yaml"
    m.write_text(ODD_MAP + "        scores:\n          nps: {scale: [0, 10]}\n", encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text(ODD_LOG, encoding="utf-8")
    answers = tmp_path / "answers.csv"
    answers.write_text("touchpoint,score\n0o17,9\n0o17,3\n", encoding="utf-8")
    outputs = []
    for ext in ("yaml", "json"):
        out = tmp_path / f"o.{ext}"
        assert run_cli("ingest", str(log), "--map", str(m), "-o", str(out), "-q").code == 0
        survey = tmp_path / f"s.{ext}"
        assert (
            run_cli("ingest-survey", str(answers), "--map", str(m), "-o", str(survey), "-q").code
            == 0
        )
        both = tmp_path / f"both.{ext}"
        r = run_cli(
            "ingest-survey",
            str(answers),
            "--map",
            str(m),
            "--overlay",
            str(out),
            "-o",
            str(both),
            "-q",
        )
        assert r.code == 0, r.err
        outputs += [out, survey, both]
    for path in outputs:
        _validate(path, SCHEMA)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yaml":
            assert text.splitlines()[0] == "# yaml-language-server: $schema=overlay.schema.json"
        assert run_cli("validate", str(m), "--data", str(path), "-q").code == 0
    both_overlay, _, _ = load_overlay(tmp_path / "both.json")
    assert both_overlay.touchpoints["1e3"].next == {"0o17": 1}  # the counts of the base stay
    nps = both_overlay.touchpoints["0o17"].scores.nps  # type: ignore[union-attr]
    assert nps is not None and nps.responses == {9: 1, 3: 1}
    draft = tmp_path / "draft.yaml"
    assert run_cli("discover", str(log), "-o", str(draft), "-q").code == 0
    assert (
        draft.read_text(encoding="utf-8").splitlines()[0]
        == "# yaml-language-server: $schema=journeymap.schema.json"
    )
    _validate(draft, MAP_SCHEMA)
    assert [tp for _, tp in load_map(draft).map.iter_touchpoints() if tp.id in ("1e3", "0o17")]


def test_init_and_discover_name_the_same_map_schema() -> None:
    from importlib import resources

    from journeymap.io.writer import MAP_SCHEMA, modeline

    starter = (
        resources.files("journeymap").joinpath("data/starter.yaml").read_text(encoding="utf-8")
    )
    assert starter.splitlines()[0] == modeline(MAP_SCHEMA)
