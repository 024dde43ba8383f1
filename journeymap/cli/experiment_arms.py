"""The arms of an experiment from the command line: shared by ``journeymap experiment`` and
``journeymap render --view experiment|report`` (one reading of ``--arm``, of ``--events LOG
--variant-column COL`` with the ingest's column options, of ``--control`` and ``--experiment``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar

import click

from journeymap.cli.event_options import (
    OPTIONS,
    LogReading,
    column_options,
    engine_of,
    engine_option,
    progress_line,
)
from journeymap.cli.options import load, located
from journeymap.errors import UsageError, did_you_mean
from journeymap.io import LoadedMap
from journeymap.model import Experiment, JourneyMap, PeriodRange, period_bounds

if TYPE_CHECKING:
    from journeymap.analysis.experiment import ArmInput, Readout
    from journeymap.analysis.experiment_plan import Design
    from journeymap.events.experiment_arms import ExperimentLog
    from journeymap.events.settings import IngestOptions

F = Callable[..., Any]
T = TypeVar("T")


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


@dataclass(frozen=True)
class EventArms:
    """``--events LOG... --variant-column COL [--exposure-event NAME]`` and the reading options."""

    event_logs: tuple[str, ...]
    variant_column: str | None
    exposure_event: str | None
    reading: LogReading
    lost_after: str | None
    engine: str

    def options(self, goal: str | None) -> IngestOptions:
        """The ingest's options of the log (customer journeys: the unit is the customer)."""
        return speaking(lambda: self.reading.options(lost_after=self.lost_after, goal=goal))


_EVENT_FIELDS = tuple(f.name for f in fields(EventArms))


def event_arm_options(func: F) -> F:
    """``--events``, ``--variant-column``, ``--exposure-event``, the column options,
    ``--lost-after`` and ``--engine``, passed to the command as one :class:`EventArms` (keyword ``events``)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _EVENT_FIELDS}
        return func(*args, events=EventArms(**values), **kwargs)

    out: F = engine_option(wrapper)
    out = click.option(
        "--lost-after",
        default=None,
        metavar="DURATION",
        help="With --events: a journey whose last event lies within this of the end of the "
        "data is in progress, not an exit [default: 30d].",
    )(out)
    out = column_options(out)
    out = click.option(
        "--exposure-event",
        metavar="NAME",
        default=None,
        help="With --events: exposure starts at the first such event at or after the "
        "assignment (default: the assignment); only events from exposure on count.",
    )(out)
    out = click.option(
        "--variant-column",
        metavar="COL",
        default=None,
        help="With --events: the column with each event's arm; a customer's first event with a "
        "variant decides its arm; customers seen in two arms are excluded and counted.",
    )(out)
    return click.option(
        "--events",
        "event_logs",
        metavar="LOG",
        multiple=True,
        help="Read the arms straight from this event log (repeat for more files) with "
        "--variant-column, instead of --arm.",
    )(out)


def speaking(run: Callable[[], T]) -> T:
    """Run ``run``, spelling the event layer's settings as the command's options."""
    from journeymap.events.settings import SettingError

    spelling = {**OPTIONS, "segment_by": "--variant-column"}
    try:
        return run()
    except SettingError as exc:
        raise exc.spelled(spelling.get(exc.setting, exc.setting)) from None


def check_sources(specs: list[tuple[str, str]], ev: EventArms) -> None:
    """``--events`` needs ``--variant-column`` and replaces ``--arm``."""
    if (ev.event_logs or ev.variant_column) and (
        specs or not ev.event_logs or ev.variant_column is None
    ):
        raise UsageError(
            "--events needs --variant-column, and replaces --arm",
            hint="journeymap experiment MAP --events LOG --variant-column variant",
        )


def event_arms(
    jm: JourneyMap, ev: EventArms, s: Setup, quiet: bool = True
) -> tuple[list[ArmInput], list[str]]:
    """The arms read from the log (``--events``), as graphs in the declared order, and the notes
    on the rows left out; progress lines as ``ingest`` prints them unless ``quiet``."""
    from journeymap.analysis.experiment import ArmInput
    from journeymap.events.experiment_arms import ingest_arms
    from journeymap.graph import build_graph

    assert ev.variant_column is not None
    column, opts = ev.variant_column, ev.options(s.goal)
    with progress_line(quiet) as progress:
        log = speaking(
            lambda: ingest_arms(
                jm, ev.event_logs, opts, column, ev.exposure_event,
                engine=engine_of(ev.engine), progress=progress,
            )
        )  # fmt: skip
    if not log.arms:
        raise UsageError(
            f"--variant-column {column}: no event of the log has a variant",
            hint="name the column that holds each event's arm",
        )
    notes = [left_out_note(log)]
    arms = [ArmInput(a.name, build_graph(jm, a.overlay), a.excluded) for a in log.arms]
    for a in arms:
        if s.declared and a.name not in s.declared:
            raise UsageError(
                f"--variant-column: experiment '{s.design.id}' has no arm '{a.name}'",
                hint=f"its arms: {', '.join(s.declared)}",
            )
    arms.sort(key=lambda a: s.declared.index(a.name) if a.name in s.declared else len(s.declared))
    return arms, notes


def left_out_note(log: ExperimentLog) -> str:
    """The rows of the log in no arm, by reason (docs/experiments.md, "From an event log").

    >>> from journeymap.events.experiment_arms import ExperimentLog
    >>> left_out_note(ExperimentLog((), 1, 2, 3, (), 1, 4, {"no_customer": 1, "duplicate": 0}))
    'rows left out: 2 before exposure, 3 of 1 customer with no variant (none, empty or spaces), 4 of customers seen in two arms, 1 without a customer id'
    """
    from journeymap.events.rows import left_out_text

    c = log.customers_without_variant
    text = (
        f"rows left out: {log.rows_before_exposure:,} before exposure, "
        f"{log.rows_without_variant:,} of {c:,} customer{'s' * (c != 1)} with no variant "
        f"(none, empty or spaces), {log.rows_two_arms:,} of customers seen in two arms"
    )
    if any(log.left_out.values()):
        text += ", " + left_out_text(log.left_out)
    return text


def arm_readout(
    map_path: str,
    arm_specs: tuple[str, ...],
    control: str | None,
    experiment_id: str | None,
    goal: str | None,
    events: EventArms | None = None,
) -> Readout:
    """The readout of ``--arm NAME=OVERLAY ...`` or of ``--events LOG --variant-column COL``
    (``journeymap render --view experiment|report``), as ``journeymap experiment`` reads it."""
    s = setup(map_path, experiment_id, goal)
    specs = parse_arms(arm_specs)
    if events is not None:
        check_sources(specs, events)
    if events is not None and events.event_logs:
        arms, notes = event_arms(s.base.map, events, s)
        return read_arms(map_path, arms, control, s, notes)
    return read_arms(map_path, overlay_arms(map_path, specs, s), control, s)
