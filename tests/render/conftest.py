from __future__ import annotations

from collections.abc import Callable

import pytest

from journeymap.render import Scene
from tests.render.support import scene_of


@pytest.fixture
def scene() -> Callable[..., Scene]:
    return scene_of
