"""Every catalogue is complete, compiles clean and is in step with the sources.

A fresh extraction (:func:`journeymap.i18n.catalogues.extract`) is compared with the committed
template and with each language's ``.po``: a new English string without a translation, a
placeholder lost in translation or a stale template fails here.
"""

from __future__ import annotations

import io
import string

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from journeymap.i18n import LANGUAGES, catalogues

OTHERS = LANGUAGES[1:]


@pytest.fixture(scope="module")
def fresh() -> Catalog:
    return catalogues.extract()


def key(m: Message) -> tuple[str | None, str]:
    return (m.context, m.id if isinstance(m.id, str) else m.id[0])


def fields(text: str) -> list[str]:
    """The ``{name}`` placeholders of a message, sorted (``{{`` is a literal brace)."""
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def test_the_template_is_the_extraction_of_the_sources(fresh: Catalog) -> None:
    with catalogues.POT.open("rb") as f:
        committed = read_po(f)
    assert [key(m) for m in committed if m.id] == [key(m) for m in fresh if m.id], (
        "journeymap/i18n/journeymap.pot is stale: run `make i18n`"
    )


def test_the_extraction_finds_every_kind_of_call(fresh: Catalog) -> None:
    """Cross-check of the extractor: one message of each kind the sources use."""
    keys = {key(m) for m in fresh if m.id}
    assert (None, "Actions") in keys  # N_ in canvas.py
    assert (None, "{n} visit") in keys  # ngettext
    assert ("unit", "min") in keys  # pgettext
    assert (None, "Journey map canvas of {title}") in keys  # _() in the jinja2 template
    assert (None, "no data") in keys  # tr = scene.t.gettext in dot.py
    assert len(keys) > 200


@pytest.mark.parametrize("lang", OTHERS)
def test_every_message_has_a_translation(fresh: Catalog, lang: str) -> None:
    po = catalogues.read(lang)
    missing = []
    for m in fresh:
        if not m.id:
            continue
        t = po.get(key(m)[1], context=m.context)
        strings = [] if t is None else ([t.string] if isinstance(t.string, str) else t.string)
        if t is None or t.fuzzy or not strings or not all(strings):
            missing.append(key(m))
    assert missing == [], f"{lang}: untranslated messages; add them to the .po (make i18n)"


@pytest.mark.parametrize("lang", OTHERS)
def test_every_catalogue_compiles_and_passes_babels_checkers(lang: str) -> None:
    po = catalogues.read(lang)
    for m in po:  # journeymap's messages are str.format messages, never %-format: Babel
        m.flags.discard("python-format")  # guesses %-format from "(% satisfied)"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in po.check()]
    assert problems == []
    buf = io.BytesIO()
    write_mo(buf, po)
    assert len(buf.getvalue()) > 1000


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_are_kept_in_every_translation(lang: str) -> None:
    wrong = []
    for m in catalogues.read(lang):
        if not m.id or not m.string:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        want = fields(ids[-1])
        wrong += [(ids[0], s) for s in strings if fields(s) != want]
    assert wrong == []


def test_fields_reads_placeholders() -> None:
    """The placeholder reader itself (so the test above can fail)."""
    assert fields("{n} visits at {name}") == ["n", "name"]
    assert fields("{{literal}} {n}") == ["n"]
    assert fields("no placeholder") == []


@pytest.mark.parametrize("lang", OTHERS)
def test_plural_messages_have_every_form_of_the_language(lang: str) -> None:
    po = catalogues.read(lang)
    forms = {"ru": 3, "lv": 3, "zh-Hant": 1, "zh-Hans": 1}[lang]
    assert po.num_plurals == forms
    plurals = [m for m in po if m.id and not isinstance(m.id, str)]
    assert plurals and all(isinstance(m.string, tuple) and len(m.string) == forms for m in plurals)
