"""Event logs to count overlays: ingest, discover, conformance (DuckDB by default, Spark optional).

The pipeline, its order and every setting are documented in ``docs/events.md``.
"""

from journeymap.events.ingest import IngestResult, ingest
from journeymap.events.settings import Columns, IngestOptions

__all__ = ["Columns", "IngestOptions", "IngestResult", "ingest"]
