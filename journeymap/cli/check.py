"""``journeymap check`` (limits, lint and regression gating for CI) and ``journeymap diff``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from journeymap.cli.console import use_color
from journeymap.cli.lang import checked_lang, lang_option
from journeymap.cli.options import load, output_option, to_stdout, write_output
from journeymap.errors import JourneymapError, MapError, UsageError
from journeymap.findings import Severity
from journeymap.i18n import ENGLISH, Language, language_for
from journeymap.io import LoadedMap, is_map_document, load_map, validate_paths
from journeymap.report.formats import DiffFormat, Format, choices


def _map_files(paths: tuple[str, ...]) -> list[Path]:
    files = validate_paths(paths)
    explicit = {Path(p) for p in paths if not Path(p).is_dir()}
    maps = [f for f in files if f in explicit or is_map_document(f)]
    if not maps:
        raise UsageError(
            f"no maps found in {', '.join(paths)}",
            hint="a map is a .yaml file starting with 'journeymap: 1'",
        )
    return maps


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--data",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Overlay with the numbers of the current period (one map only).",
)
@click.option("--scenario", metavar="NAME", help="Check the map with this scenario applied.")
@click.option("--goal", metavar="ID", help="Select one goal touchpoint.")
@click.option(
    "--baseline",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="An older version of the map to compare with (one map only).",
)
@click.option(
    "--baseline-data",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="The overlay of the baseline period (with --baseline).",
)
@click.option(
    "--baseline-ref",
    metavar="REF",
    help="Compare with the same map and overlay paths at a git revision, e.g. origin/main.",
)
@click.option(
    "--history",
    metavar="DIR",
    type=click.Path(),
    help="Overlays of earlier periods of the map (a folder or a file; one map only): the map "
    "is checked as the latest period against their control limits (JM310).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices(Format)),
    default=None,
    help="Output format [default: text; github inside GitHub Actions].",
)
@click.option(
    "--fail-on",
    type=click.Choice(choices(Severity)),
    default="error",
    show_default=True,
    help="Exit 1 when a finding at or above this severity exists.",
)
@output_option("the report")
@lang_option
def check(
    paths: tuple[str, ...],
    data: str | None,
    scenario: str | None,
    goal: str | None,
    baseline: str | None,
    baseline_data: str | None,
    baseline_ref: str | None,
    history: str | None,
    fmt: str | None,
    fail_on: str,
    output: str | None,
    lang: str | None,
) -> None:
    """Check maps against their declared limits, built-in lint and a baseline.

    PATHS are map files, or folders searched for maps (*.yaml / *.yml starting with
    'journeymap:'). Limits come from each map's 'checks:' block; lint is always on (disable a
    code per map, stage or touchpoint with a reason in checks.lint.disable); with --baseline
    or --baseline-ref, drop-off, conversion, NPS and CSAT are compared with the baseline
    period and regressions are gated; with --history DIR the map is the latest period of a
    p-chart over the overlays in DIR (see docs/checks.md, docs/trends.md and docs/ci.md).

    Every finding points at the file, line and column of the YAML that declared the limit or
    the touchpoint. Exit 0 when clean, 1 when a finding at or above --fail-on exists, 2 when an
    input cannot be used or the command is misused.
    """
    from journeymap.checks import check_map, exit_code
    from journeymap.report.checks import markdown, render

    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    override = checked_lang(lang)
    files = _map_files(paths)
    _check_usage(len(files), data, baseline, baseline_data, baseline_ref)
    loaded, errors = _load_all(files, data, scenario, goal)
    base_map: LoadedMap | None = None
    if baseline is not None:
        base_map = load_map(baseline, data=baseline_data)
    past = _history(files, history)
    severity = Severity(fail_on)
    results = []
    notes: list[str] = []
    for lm in loaded:
        base, label = base_map, None
        if base_map is not None:
            label = f"{baseline}" + (f" + {baseline_data}" if baseline_data else "")
        if baseline_ref is not None:
            base, label = _baseline_at_revision(lm, baseline_ref, data, notes)
        try:
            results.append(
                check_map(lm, goal=goal, baseline=base, baseline_label=label, history=past)
            )
        except MapError as exc:
            errors.append(exc)
    if errors:
        _fail(errors)
    out_format = Format(fmt)
    language = _language(override, loaded)
    report = render(
        results,
        out_format,
        fail_on=severity,
        color=out_format == Format.TEXT and to_stdout(output) and use_color(),
        lang=language,
    )
    read = [*loaded, *([base_map] if base_map else []), *(past or [])]
    inputs = list(dict.fromkeys(f for lm in read for f in lm.files))
    write_output(output, report, inputs)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file and out_format == Format.GITHUB:
        _append(summary_file, markdown(results, fail_on=severity, lang=language))
    code = exit_code(results, severity)
    if code:
        raise click.exceptions.Exit(int(code))


def _language(override: Language | None, loaded: list[LoadedMap]) -> Language:
    """The language of the report: ``--lang``, else the language every checked map declares,
    else English (maps in different languages share one report)."""
    declared = {lm.map.language for lm in loaded}
    return language_for(override, declared.pop() if len(declared) == 1 else ENGLISH)


def _history(files: list[Path], history: str | None) -> list[LoadedMap] | None:
    """The earlier periods: each overlay of ``history`` read onto the one map checked."""
    if history is None:
        return None
    if len(files) != 1:
        raise UsageError("--history goes with exactly one map")
    from journeymap.cli.trend import overlay_files

    return [load_map(files[0], data=f) for f in overlay_files((history,))]


def _check_usage(
    n_maps: int,
    data: str | None,
    baseline: str | None,
    baseline_data: str | None,
    baseline_ref: str | None,
) -> None:
    """The options of `check` that do not go together."""
    if baseline and baseline_ref:
        raise UsageError("give either --baseline or --baseline-ref, not both")
    if baseline_data and not baseline:
        raise UsageError(
            "--baseline-data goes with --baseline",
            hint="with --baseline-ref the overlay given with --data is read at the revision",
        )
    if data is not None and n_maps != 1:
        raise UsageError("--data goes with exactly one map")
    if baseline is not None and n_maps != 1:
        raise UsageError(
            "--baseline goes with exactly one map",
            hint="use --baseline-ref to compare every map with a git revision",
        )


def _baseline_at_revision(
    lm: LoadedMap, ref: str, data: str | None, notes: list[str]
) -> tuple[LoadedMap | None, str]:
    """The baseline of one map at a git revision (None, with a note, when it did not exist)."""
    base = _at_revision(ref, lm.path, data, option="--baseline-ref")
    if base is None:
        notes.append(f"{lm.display} does not exist at '{ref}': nothing to compare it with")
    return base, ref


def _load_all(
    files: list[Path], data: str | None, scenario: str | None, goal: str | None
) -> tuple[list[LoadedMap], list[JourneymapError]]:
    loaded: list[LoadedMap] = []
    errors: list[JourneymapError] = []
    for f in files:
        try:
            loaded.append(load(os.fspath(f), data=data, scenario=scenario, goal=goal))
        except MapError as exc:
            errors.append(exc)
    return loaded, errors


def _fail(errors: list[JourneymapError]) -> None:
    for exc in errors[:-1]:
        click.echo(exc.render(), err=True)
    raise errors[-1]


def _at_revision(
    ref: str, path: str | os.PathLike[str], data: str | None, *, option: str
) -> LoadedMap | None:
    """:func:`~journeymap.io.revision.load_at_revision`, its errors naming `option`."""
    from journeymap.io.revision import RevisionError, load_at_revision

    try:
        return load_at_revision(ref, path, data=data)
    except RevisionError as exc:
        hint = exc.hint
        if exc.overlay is not None and option == "--baseline-ref":
            hint = "give the baseline explicitly with --baseline and --baseline-data"
        raise UsageError(f"{option}: {exc}", hint=hint) from None


def _append(path: str, text: str) -> None:
    """Append to GitHub's job summary file (the runner creates it; we only add to it)."""
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write the job summary {path}: {exc.strerror}") from None


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--old-data", metavar="FILE", help="Overlay of the old period.")
@click.option("--new-data", metavar="FILE", help="Overlay of the new period.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices(DiffFormat)),
    default="text",
    show_default=True,
    help="Output format.",
)
@output_option("the changes")
@lang_option
def diff(
    old: str,
    new: str,
    old_data: str | None,
    new_data: str | None,
    fmt: str,
    output: str | None,
    lang: str | None,
) -> None:
    """Print the structural and numeric changes between two maps (or two revisions).

    OLD and NEW are map files, or REV:PATH for a map at a git revision
    (origin/main:maps/shop.yaml). Touchpoints match by id and 'formerly'; the numbers are
    compared with the same statistics as 'check --baseline' (verdicts are shown, never
    gated: diff exits 0 unless an input cannot be used).
    """
    from journeymap.checks.context import make_context
    from journeymap.report.checks import diff_markdown, diff_text

    override = checked_lang(lang)
    old_map = _load_ref(old, old_data)
    new_map = _load_ref(new, new_data)
    comparison = make_context(new_map, baseline=old_map, baseline_label=old).comparison
    assert comparison is not None
    text = (diff_markdown if DiffFormat(fmt) == DiffFormat.MARKDOWN else diff_text)(
        comparison, old, new, lang=language_for(override, new_map.map.language)
    )
    write_output(output, text, [*old_map.files, *new_map.files])


def _load_ref(spec: str, data: str | None) -> LoadedMap:
    """A map file, or ``REV:PATH`` read from git (the overlay likewise)."""
    if Path(spec).exists() or ":" not in spec:
        if data is not None and not Path(data).exists() and ":" in data:
            raise UsageError(f"{data}: an overlay at a revision goes with a map at a revision")
        return load_map(spec, data=data)
    ref, _, path = spec.partition(":")
    data_path = None
    if data is not None:
        dref, sep, dpath = data.partition(":")
        if not sep or Path(data).exists() or dref != ref:
            raise UsageError(f"{data}: give the overlay of {spec} as {ref}:PATH")
        data_path = dpath
    loaded = _at_revision(ref, path, data_path, option="diff")
    if loaded is None:
        raise UsageError(f"{path} does not exist at '{ref}'")
    return loaded
