"""Numbers at the edge (issue 17): what a float cannot hold is refused with its position, what
validates is computed without a traceback or a NumPy warning."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from journeymap.analysis.business import service_time
from journeymap.errors import MapError
from journeymap.io import load_map
from journeymap.model import MAX_MAGNITUDE, Durations

MAP = """journeymap: 1
id: shop
title: Shop
emotion_scale: [{low}, {high}]
stages:
  - id: buy
    name: Buy
    touchpoints:
      - id: cart
        name: Cart
        entries: 100
        business:
          resolution_time: {{unit: days, samples: [{sample}, {sample}, 0]}}
"""


def test_the_largest_numbers_are_accepted_and_computed(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(MAP.format(low="-1e15", high="1e15", sample="1e15"), encoding="utf-8")
    m = load_map(path).map
    assert m.emotion_scale == (-MAX_MAGNITUDE, MAX_MAGNITUDE)
    lo, hi = m.emotion_scale
    assert math.isfinite(hi - lo)
    durations = m.touchpoints["cart"].business
    assert durations is not None and durations.resolution_time is not None
    t = service_time(durations.resolution_time)
    # mean of [1e15, 1e15, 0] = 2e15 / 3; median 1e15 (type 7 on 3 samples: the middle one)
    assert t.mean == pytest.approx(2e15 / 3)
    assert t.median == 1e15


def test_one_step_beyond_is_refused_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    path.write_text(MAP.format(low="-1e15", high="1.5e15", sample="1"), encoding="utf-8")
    with pytest.raises(MapError) as info:
        load_map(path)
    d = info.value.diagnostics[0]
    assert d.position is not None and (d.position.line, d.position.col) == (4, 24)
    assert d.message == "emotion_scale[1] must be at most 1,000,000,000,000,000, got 1.5e+15"


def test_service_time_of_the_largest_samples_is_finite() -> None:
    t = service_time(Durations(samples=[MAX_MAGNITUDE] * 1000))
    assert t.mean == MAX_MAGNITUDE
    assert t.p90 == MAX_MAGNITUDE
