"""journeymap: customer journey maps as code.

Load a map with :func:`journeymap.io.load_map`, build its graph with
:func:`journeymap.graph.build_graph`, analyse it with :mod:`journeymap.analysis`.
"""

__version__ = "0.1.0"  # the one place the version is written (pyproject reads it)

PROJECT_URL = "https://example.invalid/OWNER/journeymap"
"""The project's home, the one place it is written: a placeholder (``.invalid`` never resolves)
until the project has a public repository. SARIF's ``informationUri`` and every ``helpUri``
derive from it (:mod:`journeymap.report.sarif`); pyproject.toml's ``[project.urls]`` and the
docs write it out (setuptools cannot read URLs from the code), and tests/test_project_url.py
holds each of them to this value."""

__all__ = ["PROJECT_URL", "__version__"]
