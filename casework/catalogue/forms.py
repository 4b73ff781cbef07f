"""Forms of the administrator's service catalogue."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ServiceActiveForm(FlaskForm):
    """Offer ("1") or stop offering ("0") a service."""

    active = HiddenField()
