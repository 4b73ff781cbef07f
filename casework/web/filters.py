"""Template filters every page uses: labels, dates in the user's locale, texts by language."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_timezone

from casework.web.labels import label
from casework.web.paging import next_page_url


def page_language() -> str:
    """The language of the page being built (the interface's, else the centre's default)."""
    locale = get_locale()
    return locale.language if locale else current_app.config.get("BABEL_DEFAULT_LOCALE", "pl")


def localised(value: object, language: str | None = None) -> str:
    """A text kept in several languages ({language: text}) in `language` (default: the page's);
    else English, else the first one there is. Plain text stays as it is."""
    if isinstance(value, Mapping):
        wanted = language or page_language()
        return str(value.get(wanted) or value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _datetime(value: object) -> str:
    return "" if value is None else _shown(value, "datetime", get_locale(), get_timezone())


def _date(value: object) -> str:
    return "" if value is None else _shown(value, "date", get_locale(), get_timezone())


@functools.lru_cache(maxsize=4096)
def _shown(value: object, kind: str, locale: object, timezone: object) -> str:
    """A date or time as pages show it in the request's `locale` and `timezone` (passed so that
    each language and zone has its own entry), formatted once a process: lists show the same days
    on many rows and the same appointments on every visit, and Flask-Babel took 50-120 µs over
    each (the agenda shows 91)."""
    if kind == "date":
        return format_date(value, "medium")  # type: ignore[arg-type]
    return format_datetime(value, "short")  # type: ignore[arg-type]


def init_filters(app: Flask) -> None:
    """The template helpers that need nothing from the features."""
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["datetime"] = _datetime
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["number"] = lambda value: format_decimal(value)
    app.jinja_env.filters["text"] = localised
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["next_page_url"] = next_page_url
