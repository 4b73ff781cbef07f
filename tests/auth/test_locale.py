"""The interface's locale: English pages use British dates (day month year, 24-hour clock) and
still read the English catalogue."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, render_template_string
from flask_babel import get_locale, get_translations

from casework.auth.identity import select_locale


def test_english_is_british_english_and_reads_the_english_catalogue(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "en-US,en;q=0.9"}):
        assert select_locale() == "en_GB"
        assert str(get_locale()) == "en_GB"
        files = [str(path) for path in getattr(get_translations(), "files", [])]
        assert any("/en/LC_MESSAGES/" in path for path in files), files
        page = render_template_string(
            '<html lang="{{ get_locale() | string | replace("_", "-") }}">'
            "{{ day | date }} · {{ moment | datetime }}",
            day=date(2026, 11, 30),
            moment=datetime(2026, 11, 30, 14, 5, tzinfo=UTC),
        )
    assert page.startswith('<html lang="en-GB">')
    # The centre's clock (Europe/Warsaw): 14:05 UTC is 15:05 there.
    assert page.endswith("30 Nov 2026 · 30/11/2026, 15:05")


def test_polish_and_ukrainian_stay_as_they_are(app: Flask) -> None:
    for language in ("pl", "uk"):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert select_locale() == language
            assert render_template_string("{{ _('Sign in') }}") != "Sign in"
