"""The catalogue tooling: extract the fixed strings, update the translations, compile them.

``python -m journeymap.i18n.catalogues`` (``make i18n``) runs the three steps:

1. **extract** every message of ``journeymap/`` into ``journeymap/i18n/journeymap.pot``: Python
   calls of ``gettext``, ``ngettext`` (1, 2), ``pgettext`` (context 1, message 2), ``N_``,
   ``_`` and ``tr`` (also as methods: ``scene.t.gettext("Actions")``; never inside an f-string,
   where the extractor does not look, and always with one literal, never ``a if x else b``), and the ``_()``/``ngettext()`` calls
   of the jinja2 templates (``render/templates/*.j2``, jinja2's own Babel extractor);
2. **update** the four ``.po`` files from it, keeping every translation (no fuzzy guesses: a new
   message arrives untranslated, so the completeness test fails until someone translates it);
3. **compile** each ``.po`` to its ``.mo`` (``make venv`` runs this step; ``*.mo`` are not in git).

The output is deterministic: a fixed creation date, locations without line numbers, messages
in the order of the files, so the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from journeymap.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

PACKAGE = Path(__file__).resolve().parent.parent
POT = Path(__file__).resolve().parent / f"{DOMAIN}.pot"
KEYWORDS: dict[str, tuple[int | tuple[int, str], ...] | None] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
    "NC_": ((1, "c"), 2),
    "tr": None,
}
"""The translation calls (Babel's keyword specs: ``ngettext:1,2``, ``pgettext:1c,2``); ``tr``
is the local name of ``scene.t.gettext`` where a function calls it often."""
METHODS = [
    ("**/templates/**.j2", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
FIXED_DATE = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
"""The creation date written into every header (a changing date would make every run a diff)."""


def folder(lang: str) -> Path:
    """The ``LC_MESSAGES`` folder of one language (``zh-Hant`` is ``zh_Hant``)."""
    return LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES"


def extract(root: Path = PACKAGE) -> Catalog:
    """Every message of the sources under ``root``, in the order of the files."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(
        project="journeymap",
        version="1",
        copyright_holder="the journeymap authors",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root),
        method_map=METHODS,
        options_map={"**/templates/**.j2": {"trimmed": "false"}},
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        path = (Path(root.name) / filename).as_posix()
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    _finding_texts(catalog, root)
    return catalog


def _finding_texts(catalog: Catalog, root: Path) -> None:
    """The sentences of findings: ``text(msgid, plural=..., count=n)`` and
    ``text_of(msgid, fields)`` (:mod:`journeymap.findings`), in the modules that import them.
    Babel's keyword specs cannot say these (the plural is a keyword argument, and a bare
    ``text`` keyword would also catch every method named ``text``), so the calls are read
    from the syntax tree."""
    import ast

    for source in sorted(root.rglob("*.py")):
        tree = ast.parse(source.read_text("utf-8"))
        names = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "journeymap.findings"
            for alias in node.names
            if alias.name in ("text", "text_of")
        }
        path = (Path(root.name) / source.relative_to(root)).as_posix()
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            msgid = node.args[0].value
            plural = next((k.value for k in node.keywords if k.arg == "plural"), None)
            if isinstance(plural, ast.Constant) and isinstance(plural.value, str):
                if msgid in catalog:
                    del catalog[msgid]
                catalog.add((msgid, plural.value), None, [(path, node.lineno)])
            elif msgid not in catalog:
                catalog.add(msgid, None, [(path, node.lineno)])


def read(lang: str) -> Catalog:
    """The ``.po`` catalogue of one language."""
    from babel.messages.pofile import read_po

    with (folder(lang) / f"{DOMAIN}.po").open("rb") as f:
        return read_po(f, locale=lang.replace("-", "_"), domain=DOMAIN)


def _write(catalog: Catalog, path: Path, *, lineno: bool = False) -> bool:
    """Write a catalogue as ``.po``/``.pot`` text; True when the file changed."""
    import io

    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, catalog, width=100, include_lineno=lineno, ignore_obsolete=True)
    data = buf.getvalue()
    if path.is_file() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def update(template: Catalog) -> list[str]:
    """Bring every ``.po`` up to the template, keeping translations; the languages changed."""
    changed = []
    for lang in LANGUAGES[1:]:
        catalog = read(lang)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.revision_date = FIXED_DATE
        if _write(catalog, folder(lang) / f"{DOMAIN}.po"):
            changed.append(lang)
    return changed


def compile_all() -> list[Path]:
    """Compile every ``.po`` to its ``.mo``; the files written."""
    from babel.messages.mofile import write_mo

    written = []
    for lang in LANGUAGES[1:]:
        mo = folder(lang) / f"{DOMAIN}.mo"
        with mo.open("wb") as f:
            write_mo(f, read(lang))
        written.append(mo)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``extract``, ``update``, ``compile`` or ``all`` (the default: the three in turn)."""
    steps = list(argv if argv is not None else sys.argv[1:]) or ["all"]
    unknown = set(steps) - {"extract", "update", "compile", "all"}
    if unknown:
        print(f"unknown step(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if {"extract", "update", "all"} & set(steps):
        template = extract()
        if _write(template, POT):
            print(f"wrote {POT.relative_to(PACKAGE.parent)} ({len(template)} messages)")
        if {"update", "all"} & set(steps):
            for lang in update(template):
                print(f"updated {lang}")
    if {"compile", "all"} & set(steps):
        print(f"compiled {len(compile_all())} catalogues")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
