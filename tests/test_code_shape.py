"""The shape of the code: short functions, modules that stay small unless they are docstrings.

A function outside ``journeymap/cli/`` has at most 60 code lines (non-blank, non-comment lines,
its docstring excluded); a module has at most 400 lines. The allow-lists below name today's
exceptions with their reason; an entry that no longer offends fails too, so the lists only shrink.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from tests.support import ROOT

MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400

# path:qualified name -> why it is still long (who splits it). Issue 9 names its owners.
LONG_FUNCTIONS: dict[str, str] = {
    "journeymap/analysis/bootstrap.py:bootstrap": "one resampling loop; results slice",
    "journeymap/events/discover.py:discover": "events slice",
    "journeymap/events/survey.py:ingest_survey": "events slice",
}

# path -> why it is longer than 400 lines.
LONG_MODULES: dict[str, str] = {
    "journeymap/checks/regression.py": "most of it is runnable docstrings (a bad map, a good map and a baseline per check)",
    "journeymap/analysis/chain.py": "the absorbing chain and its solvers, with worked docstrings",
}


def _code_lines(source: str) -> set[int]:
    """Line numbers that hold a token other than a comment or a line break."""
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in skip:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    return lines


def function_lengths(source: str) -> dict[str, int]:
    """Code lines of every function (methods and nested functions by qualified name).

    >>> function_lengths('def f():\\n    \"\"\"Doc.\"\"\"\\n\\n    # note\\n    return 1\\n')
    {'f': 2}
    """
    code = _code_lines(source)
    out: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = prefix + child.name
                span = set(range(child.lineno, (child.end_lineno or child.lineno) + 1))
                if ast.get_docstring(child, clean=False) is not None:
                    doc = child.body[0]
                    span -= set(range(doc.lineno, (doc.end_lineno or doc.lineno) + 1))
                out[name] = len(span & code)
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return out


def _modules() -> list[Path]:
    return sorted((ROOT / "journeymap").rglob("*.py"))


def test_function_lengths_count_code_only() -> None:
    source = (
        "class A:\n"
        "    def m(self) -> int:\n"
        "        '''Two lines\n"
        "        of docstring.'''\n"
        "        x = (1 +\n"
        "             2)  # a comment\n"
        "\n"
        "        def inner() -> int:\n"
        "            return x\n"
        "        return inner()\n"
    )
    # m: def line, the two lines of `x = (...)`, inner's def and return, m's return = 6
    assert function_lengths(source) == {"A.m": 6, "A.m.inner": 2}


def test_no_long_functions_outside_the_cli() -> None:
    long = {}
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("journeymap/cli/"):
            continue
        for name, n in function_lengths(path.read_text(encoding="utf-8")).items():
            if n > MAX_FUNCTION_LINES:
                long[f"{rel}:{name}"] = n
    new = sorted(set(long) - set(LONG_FUNCTIONS))
    stale = sorted(set(LONG_FUNCTIONS) - set(long))
    assert new == [], f"functions over {MAX_FUNCTION_LINES} code lines: {new}; split them"
    assert stale == [], (
        f"no longer over {MAX_FUNCTION_LINES} code lines, drop from LONG_FUNCTIONS: {stale}"
    )


def test_long_modules_are_listed_with_their_reason() -> None:
    long = {
        path.relative_to(ROOT).as_posix()
        for path in _modules()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES
    }
    assert sorted(long - set(LONG_MODULES)) == [], "modules over 400 lines: split or list them"
    assert sorted(set(LONG_MODULES) - long) == [], (
        "no longer over 400 lines: drop from LONG_MODULES"
    )
    assert all(reason.strip() for reason in LONG_MODULES.values())
