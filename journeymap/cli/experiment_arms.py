"""The arms of an experiment from the command line: shared by ``journeymap experiment`` and
``journeymap render --view experiment|report --arm ...`` (one reading of ``--arm``,
``--control`` and ``--experiment``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeymap.cli.options import load, located
from journeymap.errors import UsageError, did_you_mean
from journeymap.io import LoadedMap
from journeymap.model import Experiment, JourneyMap, PeriodRange, period_bounds

if TYPE_CHECKING:
    from journeymap.analysis.experiment import ArmInput, Readout
    from journeymap.analysis.experiment_plan import Design


def parse_arms(values: tuple[str, ...]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for v in values:
        name, sep, path = v.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(
                f"--arm '{v}' is not NAME=OVERLAY",
                hint="for example --arm control=overlays/control.yaml",
            )
        if name.strip() in [n for n, _ in out]:
            raise UsageError(f"--arm '{name.strip()}' is given twice")
        out.append((name.strip(), path.strip()))
    return out


def pick_experiment(jm: JourneyMap, experiment_id: str | None) -> Experiment | None:
    if experiment_id is None:
        return jm.experiments[0] if len(jm.experiments) == 1 else None
    for exp in jm.experiments:
        if exp.id == experiment_id:
            return exp
    ids = [e.id for e in jm.experiments]
    raise UsageError(
        f"--experiment: the map has no experiment '{experiment_id}'",
        hint=did_you_mean(experiment_id, ids)
        or (f"its experiments: {', '.join(ids)}" if ids else "the map has no experiments: block"),
    )


def _design(exp: Experiment | None) -> Design:
    from journeymap.analysis.experiment_plan import Design, Effect, GuardrailSpec
    from journeymap.model import parse_effect

    if exp is None:
        return Design()
    if exp.primary.metric != "conversion":
        raise UsageError(
            f"experiment '{exp.id}': the primary metric '{exp.primary.metric}' is not read out yet",
            hint="journeymap experiment reads out conversion",
        )
    value, relative = exp.effect
    return Design(
        id=exp.id,
        split={a.name: a.split for a in exp.arms if a.split is not None},
        effect=Effect(value, relative),
        alpha=exp.alpha,
        power=exp.power,
        guardrails=tuple(
            GuardrailSpec(
                g.metric,
                g.touchpoint,
                None if g.tolerance is None else Effect(*parse_effect(g.tolerance)),
            )
            for g in exp.guardrails
        ),
        scenario=exp.scenario,
    )


def _days(period: str | PeriodRange | None) -> int | None:
    if period is None:
        return None
    start, end = period_bounds(period)
    return (end - start).days + 1


@dataclass(frozen=True)
class Setup:
    """The map, its experiment entry and design, the goal and the traffic, read once."""

    base: LoadedMap
    exp: Experiment | None
    design: Design
    goal: str | None
    declared: list[str]
    """The arm names of the experiment entry (empty without one)."""
    baseline: float | None
    daily: float | None


def setup(map_path: str, experiment_id: str | None, goal: str | None) -> Setup:
    """Load the map and pick its experiment (``--experiment``) and goal."""
    from journeymap.analysis.experiment_plan import map_baseline
    from journeymap.graph import build_graph

    base = load(map_path, goal=goal)
    exp = pick_experiment(base.map, experiment_id)
    design = _design(exp)
    if goal is None and exp is not None and exp.primary.touchpoint is not None:
        goal = exp.primary.touchpoint
    declared = [a.name for a in exp.arms] if exp is not None else []
    started, baseline = map_baseline(build_graph(base.map, base.overlay), goal)
    days = _days(base.period)
    daily = started / days if days and started else None
    return Setup(base, exp, design, goal, declared, baseline, daily)


def overlay_arms(map_path: str, specs: list[tuple[str, str]], s: Setup) -> list[ArmInput]:
    """One arm per ``--arm NAME=OVERLAY``: a declared name, a customer-grain overlay."""
    from journeymap.analysis.experiment import ArmInput, require_customer_grain
    from journeymap.graph import build_graph

    for name, _ in specs:
        if s.declared and name not in s.declared:
            raise UsageError(
                f"--arm: experiment '{s.design.id}' has no arm '{name}'",
                hint=did_you_mean(name, s.declared) or f"its arms: {', '.join(s.declared)}",
            )
    arms: list[ArmInput] = []
    for name, path in specs:
        loaded = load(map_path, data=path, goal=s.goal)
        require_customer_grain(name, loaded.overlay)
        arms.append(ArmInput(name, build_graph(loaded.map, loaded.overlay)))
    return arms


def read_arms(
    map_path: str,
    arms: list[ArmInput],
    control: str | None,
    s: Setup,
    left_out: list[str] | None = None,
) -> Readout:
    """The readout of the arms against ``--control`` (default the first arm)."""
    from journeymap.analysis.experiment import read_out
    from journeymap.graph import build_graph

    names = [a.name for a in arms]
    control_name = control or (names[0] if names else "")
    if names and control_name not in names:
        raise UsageError(
            f"--control: no arm named '{control_name}'",
            hint=did_you_mean(control_name, names) or f"the arms: {', '.join(names)}",
        )
    pred = None
    if s.design.scenario is not None:
        from journeymap.analysis.experiment_scenario import prediction

        to_be = load(map_path, scenario=s.design.scenario, goal=s.goal)
        with located(to_be):  # a closed loop is reported at its touchpoint (as in analyze)
            pred = prediction(
                s.design.scenario,
                build_graph(s.base.map, s.base.overlay),
                build_graph(to_be.map, to_be.overlay),
                s.goal,
            )
    with located(s.base):
        return read_out(
            arms,
            control_name,
            s.design,
            goal=s.goal,
            daily_customers=s.daily,
            prediction=pred,
            left_out=left_out or [],
        )


def arm_readout(
    map_path: str,
    arm_specs: tuple[str, ...],
    control: str | None,
    experiment_id: str | None,
    goal: str | None,
) -> Readout:
    """The readout of ``--arm NAME=OVERLAY ...`` (``journeymap render --view experiment``)."""
    s = setup(map_path, experiment_id, goal)
    specs = parse_arms(arm_specs)
    return read_arms(map_path, overlay_arms(map_path, specs, s), control, s)
