"""Configuration from environment variables, with development defaults in the instance folder."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("development", "production", "testing")
#: A shorter session-signing key can be searched offline from one signed cookie.
MIN_SECRET_KEY_BYTES = 32


class ConfigError(Exception):
    """The service cannot start with this configuration; the message says what to fix."""


def load_config(
    instance_path: Path, environ: Mapping[str, str], overrides: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Build the Flask config: environment first, overrides (tests) last, then check it."""
    overrides = dict(overrides or {})
    env = overrides.get("CASEWORK_ENV", environ.get("CASEWORK_ENV", "development"))
    if env not in ENVIRONMENTS:
        raise ConfigError(f"CASEWORK_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    production = env == "production"
    config: dict[str, Any] = {
        "CASEWORK_ENV": env,
        "SECRET_KEY": environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": environ.get("DATABASE_URL"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "casework_session",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the signed-in session
        "CASEWORK_IDLE_TIMEOUT_MINUTES": _int(environ, "CASEWORK_IDLE_TIMEOUT_MINUTES", 15),
        #: The longest (and default) lifetime of a personal API token.
        "CASEWORK_API_TOKEN_MAX_DAYS": _int(environ, "CASEWORK_API_TOKEN_MAX_DAYS", 90),
        "CASEWORK_LOG_LEVEL": environ.get("CASEWORK_LOG_LEVEL", "INFO"),
        "BABEL_DEFAULT_LOCALE": environ.get("CASEWORK_DEFAULT_LANGUAGE", "pl"),
        "BABEL_DEFAULT_TIMEZONE": environ.get("CASEWORK_TIMEZONE", "Europe/Warsaw"),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Task reminders by e-mail: none are sent while no SMTP host is set.
        "CASEWORK_SMTP_HOST": environ.get("CASEWORK_SMTP_HOST") or None,
        "CASEWORK_SMTP_PORT": _int(environ, "CASEWORK_SMTP_PORT", 587),
        "CASEWORK_SMTP_USER": environ.get("CASEWORK_SMTP_USER") or None,
        "CASEWORK_SMTP_PASSWORD": environ.get("CASEWORK_SMTP_PASSWORD") or None,
        "CASEWORK_SMTP_STARTTLS": environ.get("CASEWORK_SMTP_STARTTLS", "true") != "false",
        "CASEWORK_MAIL_FROM": environ.get("CASEWORK_MAIL_FROM", "casework@localhost"),
        "CASEWORK_BASE_URL": environ.get("CASEWORK_BASE_URL", "http://localhost:5000"),
        # Retention: clients anonymised this many years after their last contact ended.
        "CASEWORK_RETENTION_YEARS": _int(environ, "CASEWORK_RETENTION_YEARS", 10),
        "CASEWORK_RETENTION_BATCH_SIZE": _int(environ, "CASEWORK_RETENTION_BATCH_SIZE", 200),
        **_sign_in_settings(environ),
    }
    config.update(overrides)
    if production:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not _given(config, name)]
        if missing:
            raise ConfigError(
                f"production mode needs {' and '.join(missing)} set in the environment; "
                "refusing to start"
            )
        _refuse_unsafe_production(config, environ)
        # Database errors would otherwise quote the query's values (session and token hashes,
        # identifiers) into exception texts, and from there into logs.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "hide_parameters": True,
        }
    else:
        instance_path.mkdir(parents=True, exist_ok=True)
        if not config["SECRET_KEY"]:
            config["SECRET_KEY"] = _instance_secret(instance_path / "secret_key")
        if not config["SQLALCHEMY_DATABASE_URI"]:
            config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'casework.sqlite3'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    return config


# --- sign-in: throttling, two-factor, fresh sign-in -------------------------------------------

#: Roles that must sign in with a second factor unless CASEWORK_TWO_FACTOR_ROLES says otherwise.
DEFAULT_TWO_FACTOR_ROLES = "supervisor,admin"


def _sign_in_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Throttling storage and limits, the roles that need two-factor sign-in, fresh sign-in."""
    roles = environ.get("CASEWORK_TWO_FACTOR_ROLES", DEFAULT_TWO_FACTOR_ROLES)
    return {
        # Flask-Limiter: Redis shares the counts between gunicorn workers; memory is per process.
        "RATELIMIT_STORAGE_URI": environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_KEY_PREFIX": environ.get("CASEWORK_RATELIMIT_PREFIX", "casework"),
        # Failed attempts allowed before sign-in is refused for a while (limits' notation).
        "CASEWORK_SIGN_IN_ACCOUNT_LIMIT": environ.get(
            "CASEWORK_SIGN_IN_ACCOUNT_LIMIT", "10 per 15 minutes"
        ),
        "CASEWORK_SIGN_IN_IP_LIMIT": environ.get("CASEWORK_SIGN_IN_IP_LIMIT", "50 per 15 minutes"),
        # Reverse proxies whose X-Forwarded-For names the client (gunicorn listens on 127.0.0.1
        # behind one); the address counted is the one the nearest proxy appended.
        "CASEWORK_TRUSTED_PROXIES": frozenset(
            address.strip()
            for address in environ.get("CASEWORK_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
            if address.strip()
        ),
        "CASEWORK_TWO_FACTOR_ROLES": frozenset(
            role.strip() for role in roles.split(",") if role.strip()
        ),
        "CASEWORK_FRESH_SIGN_IN_MINUTES": _int(environ, "CASEWORK_FRESH_SIGN_IN_MINUTES", 5),
    }


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3, the only PostgreSQL driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _refuse_unsafe_production(config: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """Production never runs in debug mode (the werkzeug debugger runs code sent to it) nor
    with a short session-signing key."""
    if config.get("DEBUG") or debug_requested(environ):
        raise ConfigError(
            "production mode refuses debug mode (FLASK_DEBUG or DEBUG is set); unset it; "
            "refusing to start"
        )
    secret = config["SECRET_KEY"]
    size = len(secret.encode() if isinstance(secret, str) else secret)
    if size < MIN_SECRET_KEY_BYTES:
        raise ConfigError(
            f"SECRET_KEY is {size} bytes; production needs at least {MIN_SECRET_KEY_BYTES} "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))'); refusing to start"
        )


def debug_requested(environ: Mapping[str, str]) -> bool:
    """Whether `FLASK_DEBUG` asks for debug mode, read as Flask reads it."""
    value = environ.get("FLASK_DEBUG", "")
    return bool(value) and value.lower() not in {"0", "false", "no"}


def _given(config: Mapping[str, Any], name: str) -> bool:
    key = "SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name
    return bool(config.get(key))


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, not {value}")
    return value


def _instance_secret(path: Path) -> str:
    """Read the development secret key, creating it (mode 0600) on first start."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
