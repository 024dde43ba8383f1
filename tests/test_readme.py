"""The README's example map is valid and passes its own checks without warnings."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support import ROOT, run_cli


def test_readme_map_is_clean(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.findall(r"```yaml\n(.*?)```", text, re.S)[0]
    path = tmp_path / "shop.yaml"
    path.write_text(block, encoding="utf-8")
    r = run_cli("check", str(path))
    assert r.code == 0, r.out + r.err
    assert "0 errors, 0 warnings" in r.out + r.err
    r = run_cli("analyze", str(path), "--samples", "0")
    assert r.code == 0
    assert "1,000 journeys started in 2026-Q3; 420 converted (conversion 42.0%)." in r.out


def test_readme_commands_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shell = "\n".join(re.findall(r"```sh\n(.*?)```", text, re.S))
    commands = set(re.findall(r"^journeymap ([a-z-]+)", shell, re.M))
    assert commands
    help_text = run_cli("--help").out
    for name in commands:
        assert f"  {name} " in help_text, name
