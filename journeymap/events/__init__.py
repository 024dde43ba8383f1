"""Event logs to count overlays: ingest, discover, conformance (DuckDB by default, Spark optional)."""
