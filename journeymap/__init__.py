"""journeymap: customer journey maps as code.

Load a map with :func:`journeymap.io.load_map`, build its graph with
:func:`journeymap.graph.build_graph`, analyse it with :mod:`journeymap.analysis`.
"""

__version__ = "0.1.0"  # the one place the version is written (pyproject reads it)

__all__ = ["__version__"]
