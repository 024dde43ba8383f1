"""``--lang``: the one option that picks the language of a command's human output.

It overrides the map's ``language:`` for one run (:func:`journeymap.i18n.language_for`); machine
formats (JSON, CSV, SARIF, JUnit, GitHub annotations) and error messages stay English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from journeymap.errors import UsageError, did_you_mean
from journeymap.i18n import LANGUAGES, Language, check_language

F = TypeVar("F", bound=Callable[..., Any])


def lang_option(func: F) -> F:
    """Add ``--lang TAG`` (the command's parameter ``lang``, None when not given)."""
    return click.option(
        "--lang",
        "lang",
        metavar="TAG",
        default=None,
        help="Language of the human output (en, ru, lv, zh-Hant, zh-Hans); "
        "overrides the map's language:. JSON and other machine formats stay English.",
    )(func)


def checked_lang(tag: str | None) -> Language | None:
    """The ``--lang`` value as one of the languages (None when not given), or a UsageError."""
    if tag is None:
        return None
    try:
        return check_language(tag)
    except ValueError:
        raise UsageError(
            f"unknown language '{tag}' for --lang; languages: {', '.join(LANGUAGES)}",
            hint=did_you_mean(tag, list(LANGUAGES)),
        ) from None
