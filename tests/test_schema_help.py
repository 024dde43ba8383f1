"""Editor help in the published JSON Schema: every property has a description and an example.

yaml-language-server shows a property's ``description`` on hover and offers its ``examples``
on completion, so a property without them is a key an author has to look up in
docs/format.md. Each example is checked twice, independently: against its own property
schema (jsonschema, as an editor sees it) and through the model's own validation of that
field (pydantic, as ``journeymap validate`` reads it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any

import jsonschema
import pytest
from pydantic import BaseModel, TypeAdapter

from journeymap import model
from journeymap.cli.validate import schema_text
from tests.support import ROOT

SCHEMAS = {"map": json.loads(schema_text()), "overlay": json.loads(schema_text(overlay=True))}
FORMAT_MD = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")


def _properties(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(owner, key, property schema)`` of every object schema: the root and every $def."""
    owners = [(str(doc.get("title", "<root>")), doc)]
    owners += [(name, d) for name, d in sorted(doc.get("$defs", {}).items())]
    for owner, schema in owners:
        for key, prop in sorted(schema.get("properties", {}).items()):
            yield owner, key, prop


PROPS = [
    (kind, owner, key, prop)
    for kind, doc in SCHEMAS.items()
    for owner, key, prop in _properties(doc)
]
IDS = [f"{kind}:{owner}.{key}" for kind, owner, key, _ in PROPS]


def test_the_walk_sees_every_property() -> None:
    # 32 definitions and the root in the map schema, 11 in the overlay's: the walk is not vacuous
    assert len(SCHEMAS["map"]["$defs"]) >= 30
    assert sum(1 for kind, *_ in PROPS if kind == "map") >= 170
    assert sum(1 for kind, *_ in PROPS if kind == "overlay") >= 60
    assert ("map", "Touchpoint", "channel") in {(k, o, p) for k, o, p, _ in PROPS}


@pytest.mark.parametrize(("kind", "owner", "key", "prop"), PROPS, ids=IDS)
def test_every_property_has_a_one_line_description_and_an_example(
    kind: str, owner: str, key: str, prop: dict[str, Any]
) -> None:
    assert kind in SCHEMAS
    description = prop.get("description")
    assert isinstance(description, str) and description.strip(), f"{owner}.{key}: no description"
    assert "\n" not in description, f"{owner}.{key}: the description is more than one line"
    assert len(description) <= 200, f"{owner}.{key}: a hover text, not a page"
    examples = prop.get("examples")
    assert isinstance(examples, list) and examples, f"{owner}.{key}: no example"


@pytest.mark.parametrize(("kind", "owner", "key", "prop"), PROPS, ids=IDS)
def test_every_example_is_valid_against_its_own_property(
    kind: str, owner: str, key: str, prop: dict[str, Any]
) -> None:
    schema = {"$defs": SCHEMAS[kind].get("$defs", {}), **prop}
    validator = jsonschema.Draft202012Validator(schema)
    for example in prop.get("examples", []):
        errors = [e.message for e in validator.iter_errors(example)]
        assert errors == [], f"{owner}.{key}: example {example!r} is invalid: {errors}"


def _model_fields() -> Iterator[tuple[str, str, Any, list[Any]]]:
    for name, cls in sorted(vars(model).items()):
        if (
            isinstance(cls, type)
            and issubclass(cls, BaseModel)
            and cls.__module__.startswith(f"{model.__name__}.")
        ):
            for key, info in cls.model_fields.items():
                annotation: Any = info.annotation
                if info.metadata:
                    annotation = Annotated[annotation, *info.metadata]
                yield name, key, annotation, info.examples or []


FIELDS = list(_model_fields())


@pytest.mark.parametrize(
    ("owner", "key", "annotation", "examples"), FIELDS, ids=[f"{o}.{k}" for o, k, *_ in FIELDS]
)
def test_every_example_loads_through_the_model(
    owner: str, key: str, annotation: Any, examples: list[Any]
) -> None:
    """The model's own validation of the field (nested models' validators included) accepts
    each example, read from JSON as the loader reads YAML (so ``"2026-07-14"`` is a date and
    ``{"1": 4}`` a count of the answer 1)."""
    assert examples, f"{owner}.{key}: no example"
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    for example in examples:
        adapter.validate_json(json.dumps(example))


def test_a_missing_description_is_caught() -> None:
    """The first test fails on a property without help (the walk is not blind to it)."""

    class Bare(BaseModel):
        key: int = 0

    (prop,) = Bare.model_json_schema()["properties"].values()
    assert "description" not in prop and "examples" not in prop


def test_every_map_and_overlay_key_is_documented_in_format_md() -> None:
    """The descriptions are taken from docs/format.md, the one place the format is documented:
    every property name appears there in inline code (``end`` in ``{start, end}``), not only
    in an example block."""
    prose = re.sub(r"```.*?```", "", FORMAT_MD, flags=re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", prose)
    documented = {word for span in spans for word in re.findall(r"[\w-]+", span)}
    missing = sorted({key for _, owner, key, _ in PROPS if key not in documented})
    assert missing == []


def test_descriptions_reach_the_published_files() -> None:
    published = json.loads(
        (ROOT / "docs" / "schema" / "journeymap.schema.json").read_text(encoding="utf-8")
    )
    channel = published["$defs"]["Touchpoint"]["properties"]["channel"]
    assert channel["description"].startswith("Where it happens")
    assert channel["examples"] == ["web"]
