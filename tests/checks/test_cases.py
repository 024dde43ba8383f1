"""Check tests as data: one YAML file per check in cases/, each case a map (and optionally a
baseline, a history of earlier periods, an overlay, a goal, a reference day) with the findings expected as
``(code, line, col[, severity])``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeymap.checks import REGISTRY, check_map, codes
from journeymap.io import load_map

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    out = []
    for file in sorted(CASES.glob("JM*.yaml")):
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append(pytest.param(doc["code"], case, id=f"{file.stem}: {case['name']}"))
    return out


def test_every_check_has_a_case_file() -> None:
    assert sorted(p.stem for p in CASES.glob("JM*.yaml")) == sorted(REGISTRY)


@pytest.mark.parametrize(("code", "case"), _cases())
def test_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    def write(name: str, text: str | None) -> Path | None:
        if text is None:
            return None
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    map_path = write("case.yaml", case["map"])
    assert map_path is not None
    data = write("data.yaml", case.get("data"))
    loaded = load_map(map_path, data=data)
    baseline = None
    base_path = write("baseline.yaml", case.get("baseline"))
    if base_path is not None:
        baseline = load_map(base_path, data=write("baseline-data.yaml", case.get("baseline_data")))
    today = case.get("today")
    history = [
        load_map(path)
        for i, text in enumerate(case.get("history", []))
        if (path := write(f"history-{i}.yaml", text)) is not None
    ]
    result = check_map(
        loaded,
        goal=case.get("goal"),
        baseline=baseline,
        history=history or None,
        today=dt.date.fromisoformat(str(today)) if today else None,
    )
    found = (
        result.findings if case.get("all_codes") else [f for f in result.findings if f.code == code]
    )
    expected = sorted(
        ((e[0], e[1], e[2]) for e in case["expect"]), key=lambda t: (t[1], t[2], t[0])
    )
    assert codes(found) == expected, [str(f) for f in found]
    severities = {(e[0], e[1], e[2]): e[3] for e in case["expect"] if len(e) > 3}
    for f in found:
        assert f.position is not None and f.position.path == str(map_path)
        key = (f.code, f.position.line, f.position.col)
        if key in severities:
            assert f.severity.value == severities[key], str(f)
