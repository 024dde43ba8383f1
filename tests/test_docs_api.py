"""The examples in docs/api.md run and print what the comments say."""

from __future__ import annotations

import contextlib
import io
import os
import re

from tests.conftest import ROOT


def test_api_examples_run() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        for block in blocks:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(block, "docs/api.md", "exec"), {})
            expected = [m.group(1).strip() for m in re.finditer(r"print\(.*\)\s+# (.*)", block)]
            assert out.getvalue().splitlines() == expected
    finally:
        os.chdir(old)
