"""`journeymap.collector.collector_paused`: the cyclic collector is off inside, as it was outside."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from journeymap.cli import cli
from journeymap.collector import collector_paused
from tests.support import MAPS


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_paused_inside_restored_after_an_error() -> None:
    @collector_paused()
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("inside")

    with pytest.raises(ValueError, match="inside"):
        fails()
    assert gc.isenabled()


def test_a_paused_collector_stays_paused() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_analyze_runs_paused_and_leaves_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import journeymap.analysis

    inside: list[bool] = []
    real = journeymap.analysis.analyze

    def watched(*args: Any, **kwargs: Any) -> Any:
        inside.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(journeymap.analysis, "analyze", watched)
    result = CliRunner().invoke(
        cli, ["analyze", str(MAPS / "first-purchase.yaml"), "--format", "json", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith('{\n  "journeymap-analysis": 1,')
    assert inside == [False]
    assert gc.isenabled()
