"""Reading and writing maps and overlays. The only layer that reads map files."""

from journeymap.io.atomic import refuse_inputs, write_atomic
from journeymap.io.loader import (
    LoadedMap,
    document_kind,
    is_map_document,
    load_map,
    load_overlay,
    load_scenario,
    validate_paths,
)
from journeymap.io.writer import (
    MAP_SCHEMA,
    OVERLAY_SCHEMA,
    OverlayFormat,
    dump_json,
    dump_map,
    dump_overlay,
    dump_yaml,
    to_plain,
    yaml_scalar,
)
from journeymap.io.yamlsafe import PosDict, PosList, locate, parse_yaml

__all__ = [
    "MAP_SCHEMA",
    "OVERLAY_SCHEMA",
    "LoadedMap",
    "OverlayFormat",
    "PosDict",
    "PosList",
    "document_kind",
    "dump_json",
    "dump_map",
    "dump_overlay",
    "dump_yaml",
    "is_map_document",
    "load_map",
    "load_overlay",
    "load_scenario",
    "locate",
    "parse_yaml",
    "refuse_inputs",
    "to_plain",
    "validate_paths",
    "write_atomic",
    "yaml_scalar",
]
