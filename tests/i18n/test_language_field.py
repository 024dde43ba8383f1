"""The map's ``language:``: one of the five tags (any case), else one clear error at its
position, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import run_cli

MAP = """journeymap: 1
id: m
title: M
language: {lang}
stages: [{{id: s, name: S, touchpoints: [{{id: a, name: A}}]}}]
"""


def _map(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(MAP.format(lang=lang), encoding="utf-8")
    return path


def test_an_unknown_language_is_one_error_at_its_position(tmp_path: Path) -> None:
    path = _map(tmp_path, "zh")
    r = run_cli("validate", str(path))
    assert r.code == 2
    assert (
        f"{path}:4:11: language: unknown language 'zh'; languages: en, ru, lv, zh-Hant, zh-Hans"
        in r.err
    )
    assert "4 | language: zh" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize(("written", "tag"), [("ru", "ru"), ("zh-hant", "zh-Hant"), ("LV", "lv")])
def test_a_known_language_is_read_in_its_canonical_case(
    tmp_path: Path, written: str, tag: str
) -> None:
    from journeymap.io import load_map

    assert load_map(_map(tmp_path, written)).map.language == tag
