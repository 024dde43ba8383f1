"""The experiment view (render/forest.py): the rows of the forest plot, by hand, and the drawing.

The readouts are those of tests/analysis/test_experiment.py (control 100 of 1,000 convert,
treatment 130 of 1,000); the intervals are cross-checked against statsmodels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from statsmodels.stats.proportion import confint_proportions_2indep

from journeymap.analysis.experiment import Decision, Design, Guardrail, Readout, read_out
from journeymap.render import VIEWS, render
from journeymap.render.forest import GROUPS, SCALE, forest_rows, legend_lines, title_words
from tests.analysis.test_experiment import MAP, arm, overlay_doc
from tests.render.support import scene_of
from tests.support import Result

NAMES = {"landing": "Landing", "cart": "Cart", "checkout": "Checkout", "paid": "Paid"}


def small() -> Readout:
    return read_out(
        [arm("control", 1000, 400, 250, 100), arm("one-page", 1000, 400, 280, 130)],
        "control",
        Design(),
    )


def harm() -> Readout:
    # 2,400 of 20,000 against 2,000 of 20,000: -2 pp, far past the 14,751 planned per arm
    return read_out(
        [arm("a", 20_000, 8000, 5200, 2400), arm("b", 20_000, 8000, 5000, 2000)], "a", Design()
    )


def test_the_rows_of_a_small_test_by_hand() -> None:
    forest = forest_rows(small(), NAMES)
    primary, *tps = forest.rows
    assert primary.group == GROUPS[0] and primary.label == "one-page: conversion against control"
    assert primary.difference == pytest.approx(0.03)  # 0.13 - 0.10
    assert primary.interval == pytest.approx(
        confint_proportions_2indep(130, 1000, 100, 1000, method="newcomb"), abs=1e-9
    )
    # the fixed-horizon p is 0.0355 < 0.05, but 1,000 of the planned 14,751 customers per arm
    # are in: the decision reads the sequential p (0.588), so the row is not marked
    assert not primary.marked and primary.better and primary.sequence is not None
    assert "sequential (always-valid)" in legend_lines(small())[0]
    # drop-off at cart: control lost 150 of 400 (37.5%), one-page 120 of 400 (30.0%)
    cart = next(t for t in tps if t.label == "one-page: drop-off at Cart")
    assert cart.difference == pytest.approx(-0.075) and cart.better
    assert cart.interval == pytest.approx(
        confint_proportions_2indep(120, 400, 150, 400, method="newcomb"), abs=1e-9
    )
    assert not cart.marked  # q = 0.075
    assert [t.label.split(" at ")[1] for t in tps] == ["Landing", "Cart", "Checkout"]
    assert cart.text == "−7.5 pp (−14.0 to −0.9)"
    assert forest.left_out == ()
    assert title_words(small()) == (
        "Experiment: INCONCLUSIVE",
        "no significant difference yet; needs about 13,751 more customers per arm",
    )


def test_significant_harm_is_marked_worse_and_in_the_title() -> None:
    r = harm()
    assert r.decision == Decision.HARM
    primary = forest_rows(r, NAMES).rows[0]
    assert primary.difference == pytest.approx(-0.02) and primary.marked and not primary.better
    assert title_words(r)[0] == "Experiment: HARM"
    assert "fixed-horizon" in legend_lines(r)[0]


def rail(metric: str, diff: float | None, verdict: str, worse: str = "higher") -> Guardrail:
    ci = None if diff is None else (diff - 0.1, diff + 0.1)
    return Guardrail("one-page", metric, "checkout", worse, 1.0, 1.0, diff, ci, "2%", 0.02, verdict)


def test_guardrails_in_their_units_and_the_ones_left_out_counted() -> None:
    r = replace(
        small(),
        guardrails=(
            rail("reach", 0.05, "breached"),
            rail("ces", -0.4, "holds", worse="lower"),
            rail("nps", None, "no data", worse="lower"),
        ),
    )
    forest = forest_rows(r, NAMES)
    rails = [x for x in forest.rows if x.group == GROUPS[1]]
    assert [x.label for x in rails] == [
        "one-page: reached at Checkout",
        "one-page: CES at Checkout",
    ]
    reach, ces = rails
    assert reach.marked and not reach.better  # more customers reached a non-goal: worse
    assert ces.unit == SCALE and not ces.marked and not ces.better  # lower CES is worse here
    assert ces.text == "−0.40 points (−0.50 to −0.30)"
    assert forest.left_out == ("one-page: NPS at Checkout (guardrail): no data",)
    # both panels and the count of the left-out row are drawn
    s = scene_of("shop.yaml")
    s.experiment = r
    svg = render(s, "experiment", "svg")
    assert svg.startswith(b"<?xml") and len(svg) > 10_000


@pytest.mark.parametrize("fmt", VIEWS["experiment"])
@pytest.mark.parametrize("theme", ["light", "dark", "print"])
def test_the_same_readout_gives_the_same_bytes(fmt: str, theme: str) -> None:
    def once() -> bytes:
        s = scene_of("shop.yaml", theme=theme)
        s.experiment = small()
        return render(s, "experiment", fmt)

    first = once()
    assert first == once()
    if fmt == "svg":
        assert b"<dc:date>" not in first
    if fmt == "pdf":
        assert b"CreationDate" not in first


def test_names_in_cyrillic_and_cjk_are_drawn_with_the_covering_font() -> None:
    for name, tp_name in (("zh.yaml", "结算"), ("ru.yaml", "Оплата")):
        s = scene_of(name)
        r = small()
        s.experiment = replace(
            r, touchpoints=tuple(replace(t, name=tp_name) for t in r.touchpoints)
        )
        family = s.fonts.families[0].replace(" ", "")
        assert family.encode() in render(s, "experiment", "pdf"), name


def test_without_arms_the_view_says_what_it_needs() -> None:
    from journeymap.errors import UsageError

    with pytest.raises(UsageError, match="needs the arms of an experiment"):
        render(scene_of("shop.yaml"), "experiment", "svg")


# ----------------------------------------------------------------------- the command line


def files(tmp_path: Path) -> list[str]:
    (tmp_path / "shop.yaml").write_text(yaml.safe_dump(MAP, sort_keys=False), encoding="utf-8")
    args = [str(tmp_path / "shop.yaml")]
    for name, counts in {
        "control": (1000, 400, 250, 100),
        "one-page": (1000, 400, 280, 130),
    }.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(overlay_doc(*counts), sort_keys=False), encoding="utf-8")
        args += ["--arm", f"{name}={path}"]
    return args


def test_cli_draws_the_view_and_refuses_what_it_cannot(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    args = files(tmp_path)
    out = tmp_path / "ab.svg"
    r = cli("render", *args, "--view", "experiment", "-o", str(out))
    assert r.code == 0, r.err
    assert out.read_bytes().startswith(b"<?xml")
    r = cli("render", args[0], "--view", "experiment", "-o", str(out))
    assert r.code == 2 and "the experiment view needs two or more --arm NAME=OVERLAY" in r.err
    r = cli("render", *args, "--view", "graph", "-o", str(tmp_path / "g.svg"))
    assert r.code == 2 and "--arm is read by the experiment view, the report and the deck" in r.err
    r = cli("render", *args, "--view", "experiment", "--control", "contrl", "-o", str(out))
    assert r.code == 2 and "did you mean 'control'" in r.err and "Traceback" not in r.err
    r = cli("render", *args[:3], "--view", "experiment", "-o", str(out))
    assert r.code == 2 and "two or more arms" in r.err
