"""Every feature's models, imported so `Base.metadata` is complete for Alembic and tests."""

from casework.auth import models as auth_models

__all__ = ["auth_models"]
