"""Regenerate docs/cli.md from the commands' own help texts (a test keeps it current).

.venv/bin/python docs/gen_cli.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from journeymap.cli import COMMANDS, LazyGroup, cli  # noqa: E402

INTRO = """# Command-line reference

Generated from the commands' help by `python docs/gen_cli.py`; do not edit by hand.

Every command that reads a map takes `--data FILE` (an overlay with the numbers of one period),
`--scenario NAME`, `--persona ID` and `--goal ID` where they apply. Exit codes: `0` clean, `1`
findings on a valid map, `2` the input cannot be used (with `file:line:col`, the line and a hint).
Colour appears only on a terminal and never when `NO_COLOR` is set; progress lines never appear
with `--quiet` or in CI (`CI=true`).

**Output (`-o FILE`).** A regular file is written atomically (a temporary file in the same folder,
synced, then renamed), so a failed run never leaves half a file; `-o -` (or no `-o` where it is
optional) is standard output. A **symbolic link** is followed: the file it points at is replaced
atomically and the link stays a link (a dangling link creates its target). A **FIFO** or a
**character device** (`/dev/null`, `/dev/stdout`, a terminal) is opened and written directly,
never renamed over, so `-o /dev/null` leaves `/dev/null` a device even as root. A folder, a block
device or a socket is refused. No command ever writes over a file it read (the map, its includes,
the overlays, the baseline and its overlay, event logs and every file a glob matched, survey and
report exports): the output is compared with each by resolved path and by inode, so a symbolic or
hard link to an input is refused too (exit 2).

**Input.** Maps, includes, overlays, event logs and exports must be regular files: a FIFO or a
device is refused before it is opened (exit 2), and a map, include or overlay larger than 64 MiB
is refused by its size before it is read.
"""


def text() -> str:
    parts = [INTRO]
    # the group's own settings (``-h`` as well as ``--help``), as ``journeymap --help`` prints
    # them: every sub-context inherits them, whichever commands ran before in this process
    settings = {**cli.context_settings, "max_content_width": 100, "terminal_width": 100}
    ctx = click.Context(cli, info_name="journeymap", **settings)
    parts += ["## journeymap", "", "```text", cli.get_help(ctx), "```", ""]
    group = cli
    assert isinstance(group, LazyGroup)
    for name in sorted(COMMANDS):
        cmd = group.get_command(ctx, name)
        assert cmd is not None
        sub = click.Context(
            cmd, info_name=name, parent=ctx, max_content_width=100, terminal_width=100
        )
        parts += [f"## journeymap {name}", "", "```text", cmd.get_help(sub), "```", ""]
        if isinstance(cmd, click.Group):
            for subname in sorted(cmd.commands):
                subcmd = cmd.commands[subname]
                deeper = click.Context(
                    subcmd, info_name=subname, parent=sub, max_content_width=100, terminal_width=100
                )
                parts += [
                    f"### journeymap {name} {subname}",
                    "",
                    "```text",
                    subcmd.get_help(deeper),
                    "```",
                    "",
                ]
    return "\n".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(text(), encoding="utf-8")
    print("wrote docs/cli.md")
