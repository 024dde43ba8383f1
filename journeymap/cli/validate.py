"""``journeymap validate``, ``schema`` and ``init``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from journeymap.cli.console import style, use_color
from journeymap.cli.options import output_option, quiet_option, write_output
from journeymap.errors import Diagnostic, ExitCode, JourneymapError, UsageError
from journeymap.io import (
    MAP_SCHEMA,
    LoadedMap,
    document_kind,
    dump_json,
    is_map_document,
    load_map,
    load_overlay,
    validate_paths,
    write_atomic,
)
from journeymap.model import JourneyMap, Overlay
from journeymap.report.formats import ValidateFormat, choices


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--data",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Validate this overlay against the map (one map only).",
)
@click.option("--scenario", metavar="NAME", help="Validate the map with this scenario applied.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices(ValidateFormat)),
    default="text",
    show_default=True,
    help="Output format.",
)
@quiet_option
def validate(
    paths: tuple[str, ...], data: str | None, scenario: str | None, fmt: str, quiet: bool
) -> None:
    """Validate maps and overlays (files, or folders searched for *.yaml / *.yml).

    In a folder, files starting with 'journeymap:' are maps and files starting with
    'journeymap-data:' are overlays; other YAML files (included fragments) are read
    through the maps that include them. Every error is printed with file:line:col.
    Exit 0 when everything is valid, 2 otherwise.
    """
    files = validate_paths(paths)
    explicit = {Path(p) for p in paths if not Path(p).is_dir()}
    overlays = [f for f in files if document_kind(f) == "overlay"]
    maps = [f for f in files if f not in overlays and (f in explicit or is_map_document(f))]
    if data is not None and len(maps) != 1:
        raise UsageError("--data goes with exactly one map")
    if not maps and not overlays:
        raise UsageError(
            f"no maps found in {', '.join(paths)}",
            hint="a map is a .yaml file starting with 'journeymap: 1'",
        )
    color = use_color()
    results: list[dict[str, object]] = []
    failed = False
    valid_maps: dict[str, Path] = {}
    for f in maps:
        try:
            loaded = load_map(f, data=data, scenario=scenario)
            _check_lint_settings(loaded)
        except JourneymapError as exc:
            failed = True
            results.append(_invalid(f, "map", exc, fmt))
            continue
        valid_maps.setdefault(loaded.map.id, f)
        results.append(_valid_map(f, loaded, fmt, quiet, color))
    for f in overlays:
        against: Path | None = None
        try:
            overlay, _raw, _display = load_overlay(f)
            against = valid_maps.get(overlay.map)
            if against is not None:  # check its ids against the map it names
                load_map(against, data=f)
        except JourneymapError as exc:
            failed = True
            results.append(_invalid(f, "overlay", exc, fmt))
            continue
        results.append(
            {
                "path": os.fspath(f),
                "kind": "overlay",
                "valid": True,
                "map": os.fspath(against) if against else None,
            }
        )
        if fmt == "text" and not quiet:
            of = f" of {against}" if against else " (its map was not among the files checked)"
            click.echo(f"{style('ok', 'green', color)} {f}: overlay{of}")
    if fmt == "json":
        click.echo(dump_json({"valid": not failed, "files": results}), nl=False)
    elif not quiet:
        bad = sum(1 for r in results if not r["valid"])
        summary = f"{len(results)} file(s) checked, {bad} invalid"
        click.echo(style(summary, "red" if bad else "green", color), err=bool(bad))
    if failed:
        raise click.exceptions.Exit(int(ExitCode.ERROR))


def _check_lint_settings(loaded: LoadedMap) -> None:
    """Refuse a ``checks.lint.disable`` code that ``check`` would refuse (the same rule)."""
    checks = loaded.map.checks
    if checks is not None and checks.lint is not None and checks.lint.disable:
        from journeymap.checks import lint_disable_rules

        lint_disable_rules(loaded)


def _invalid(f: Path, kind: str, exc: JourneymapError, fmt: str) -> dict[str, object]:
    """The result of a file that does not load (its errors printed in text format)."""
    if fmt == "text":
        click.echo(exc.render(), err=True)
    return {
        "path": os.fspath(f),
        "kind": kind,
        "valid": False,
        "errors": [_diag_json(d) for d in exc.diagnostics],
    }


def counts(loaded: LoadedMap) -> tuple[int, int]:
    """Touchpoints and transitions of a loaded map: the graph's nodes and edges. Without an
    overlay they are the map's touchpoints and declared transitions (ids are unique, targets
    resolved), counted without building the graph, which is most of ``validate``'s time on a
    large map; an overlay can add undeclared transitions, so then the graph counts them (and
    only then is networkx imported: it was a third of a cold ``validate``)."""
    if loaded.overlay is None:
        tps = [tp for _, tp in loaded.map.iter_touchpoints()]
        return len(tps), sum(len(tp.transitions) for tp in tps)
    from journeymap.graph import build_graph

    G = build_graph(loaded.map, loaded.overlay)
    return G.number_of_nodes(), G.number_of_edges()


def _valid_map(f: Path, loaded: LoadedMap, fmt: str, quiet: bool, color: bool) -> dict[str, object]:
    """The result of a map that loads (its warnings and an ok line printed in text format)."""
    n_tp, n_edges = counts(loaded)
    if fmt == "text":
        for w in loaded.warnings:
            click.echo(f"warning: {w.render(loaded.sources)}", err=True)
        if not quiet:
            mark = style("ok", "green", color)
            click.echo(
                f"{mark} {f}: '{loaded.map.id}', {len(loaded.map.stages)} stages, "
                f"{n_tp} touchpoints, {n_edges} transitions"
            )
    return {
        "path": os.fspath(f),
        "kind": "map",
        "valid": True,
        "id": loaded.map.id,
        "stages": len(loaded.map.stages),
        "touchpoints": n_tp,
        "transitions": n_edges,
        "warnings": [_diag_json(d) for d in loaded.warnings],
    }


def _diag_json(d: Diagnostic) -> dict[str, object]:
    pos = d.position
    return {
        "file": pos.path if pos else None,
        "line": pos.line if pos else None,
        "col": pos.col if pos else None,
        "message": d.message,
        "hint": d.hint,
        "code": d.code,
    }


def schema_text(overlay: bool = False) -> str:
    """The JSON Schema of the map (or overlay) format, as deterministic text."""
    model = Overlay if overlay else JourneyMap
    doc = model.model_json_schema(by_alias=True)
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://journeymap.invalid/schema/{'overlay' if overlay else 'journeymap'}.schema.json",
        **doc,
    }
    return dump_json(doc, sort_keys=True)


@click.command()
@output_option("the schema")
@click.option("--overlay", is_flag=True, help="The schema of overlay files instead of maps.")
def schema(output: str | None, overlay: bool) -> None:
    """Print the JSON Schema of the map format (for editor autocompletion).

    Put '# yaml-language-server: $schema=<path to the schema>' on a map's first line and
    editors with the YAML language server complete and check keys as you type.
    """
    write_output(output, schema_text(overlay))


@click.command()
@click.argument("path", default="journey.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option(
    "--no-schema", is_flag=True, help="Do not write journeymap.schema.json next to the map."
)
def init(path: str, force: bool, no_schema: bool) -> None:
    """Write a commented starter map to PATH (default: journey.yaml).

    Also writes journeymap.schema.json next to it (unless it exists or --no-schema), which
    the map's first line points editors at, so keys autocomplete as you type.
    """
    from importlib import resources  # only here: it costs a cold `validate` 15 ms

    target = Path(path)
    if target.exists() and not force:
        raise UsageError(f"{path} exists already", hint="choose another path or pass --force")
    text = resources.files("journeymap").joinpath("data/starter.yaml").read_text(encoding="utf-8")
    write_atomic(target, text)
    click.echo(f"wrote {path}")
    schema_file = target.parent / SCHEMA_NAME
    if not no_schema and not schema_file.exists():
        write_atomic(schema_file, schema_text())
        click.echo(f"wrote {schema_file} (editor autocompletion)")
    click.echo(f"next: journeymap validate {path}")


SCHEMA_NAME = MAP_SCHEMA
