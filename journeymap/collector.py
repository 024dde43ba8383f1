"""The cyclic garbage collector: paused while a large result is built (one definition, used by
the YAML builder and by commands that build large results).

CPython frees an object when its last reference goes; the cyclic collector only finds
reference cycles, and it runs whenever allocations outnumber deallocations by 700, re-walking
every live container object at each full collection. The analysis of a 2,000-touchpoint map
allocates about a million acyclic objects (the typed rows, their rounded copies, the JSON
document) on top of the map, the graph and the imported modules: the collector spent 0.3-0.4 s
of CPU walking them (measured with ``gc.callbacks``) and freed nothing that reference counting
would not. A command is one short process, so pausing the collector for its work loses no
memory that matters; it is restored on the way out (tests run commands in process). mypy
tunes it for the same reason ("Run gc less frequently, as otherwise we can spend a large
fraction of cpu in gc": ``mypy/build.py`` raises the first threshold to 200,000).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block (or, as a decorator, the function) with the cyclic collector paused.

    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
