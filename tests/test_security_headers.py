"""Security headers and the content security policy the pages keep to."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from casework.auth.models import Role


def test_security_headers_on_every_response_and_a_relaxed_style_only_on_api_docs(
    client: FlaskClient,
) -> None:
    page = client.get("/sign-in")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in page.get_data(as_text=True)
    docs = client.get("/api/v1/docs")
    assert "style-src 'self' 'unsafe-inline'" in docs.headers["Content-Security-Policy"]
    assert "script-src 'self';" in docs.headers["Content-Security-Policy"]


def test_no_page_has_inline_scripts_or_style_attributes(client: FlaskClient, login_as) -> None:
    login_as(Role.CASE_MANAGER, Role.THERAPIST, Role.SUPERVISOR)
    for path in ("/", "/intake", "/clients/search", "/cases", "/agenda", "/my-clients", "/account"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, path
        assert " style=" not in html, path


def test_hsts_in_production_only(client: FlaskClient, database_url: str) -> None:
    from tests.conftest import make_test_app

    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    production = make_test_app(database_url, CASEWORK_ENV="production").test_client()
    for path in ("/sign-in", "/healthz", "/api/v1/cases"):
        headers = production.get(path, base_url="https://localhost").headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_signed_in_answers_are_never_cached_and_the_sign_in_page_may_be(
    client: FlaskClient, login_as
) -> None:
    assert "no-store" not in client.get("/sign-in").headers.get("Cache-Control", "")
    login_as(Role.CASE_MANAGER)
    for path in ("/", "/api/v1/cases"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["Pragma"] == "no-cache"
