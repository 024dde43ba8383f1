"""Reading and writing maps and overlays. The only layer that reads map files."""

from journeymap.io.atomic import write_atomic
from journeymap.io.loader import (
    LoadedMap,
    document_kind,
    is_map_document,
    load_map,
    load_overlay,
    validate_paths,
)
from journeymap.io.writer import dump_map, dump_yaml, to_plain
from journeymap.io.yamlsafe import PosDict, PosList, locate, parse_yaml

__all__ = [
    "LoadedMap",
    "PosDict",
    "PosList",
    "document_kind",
    "dump_map",
    "dump_yaml",
    "is_map_document",
    "load_map",
    "load_overlay",
    "locate",
    "parse_yaml",
    "to_plain",
    "validate_paths",
    "write_atomic",
]
