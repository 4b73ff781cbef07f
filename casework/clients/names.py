"""How a client is named on a page: one rule for every list, link and heading."""

from __future__ import annotations

from typing import Protocol

from flask_babel import gettext as _


class Named(Protocol):
    given_name: str | None
    family_name: str | None

    @property
    def is_erased(self) -> bool: ...


def client_display_name(client: Named) -> str:
    """ "Given Family"; an erased client is named as such, never by what is left of them."""
    if client.is_erased:
        return _("Erased client")
    name = f"{client.given_name or ''} {client.family_name or ''}".strip()
    return name or _("Client without a name")
