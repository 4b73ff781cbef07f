"""Security headers on every response, and `Cache-Control: no-store` on signed-in pages.

A dozen lines of our own rather than flask-talisman: we need one strict policy, one relaxed
`style-src` for the bundled Swagger UI page, and no HTTPS redirects (the TLS proxy does those).
"""

from __future__ import annotations

from flask import Flask, Response, g, request

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
#: Swagger UI sets element styles from its bundled script; only its page gets this.
API_DOCS_CSP = STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
API_DOCS_PATH = "/api/v1/docs"
#: Production is reached over HTTPS only (behind the TLS proxy): browsers remember that for a
#: year, for every subdomain, so a later plain-http link or a stripping proxy cannot downgrade it.
#: Development serves plain http on localhost, where the header would pin localhost to HTTPS.
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(path: str) -> str:
    return API_DOCS_CSP if path == API_DOCS_PATH else STRICT_CSP


def init_security_headers(app: Flask) -> None:
    production = app.config["CASEWORK_ENV"] == "production"

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(request.path))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        # Only a user this request already loaded: loading one here would go back to the
        # database after a failure. A response that never loaded its user shows nobody's data.
        user = g.get("_login_user")  # Flask-Login's cache of the request's user
        static = request.path.startswith("/static/")
        if not static and user is not None and user.is_authenticated:
            # Pages and API answers of a signed-in user may carry client data: never cache them.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
