"""casework: case management for family-support, anti-violence and migrant-support centres.

Importing the package loads nothing else (the crypto core and the engine stay framework-free);
`create_app` and `ConfigError` load the app on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casework.app import create_app
    from casework.config import ConfigError

__all__ = ["ConfigError", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from casework.app import create_app

        return create_app
    if name == "ConfigError":
        from casework.config import ConfigError

        return ConfigError
    raise AttributeError(name)
