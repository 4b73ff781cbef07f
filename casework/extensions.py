"""Flask extensions, created unbound and wired in `create_app`."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = None  # the sign-in page explains itself
login_manager.session_protection = "basic"

csrf = CSRFProtect()

babel = Babel()

#: Sign-in throttling (`casework.auth.throttle`); storage from RATELIMIT_STORAGE_URI (REDIS_URL).
limiter = Limiter(get_remote_address)
