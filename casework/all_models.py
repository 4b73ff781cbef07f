"""Every feature's models, imported so `Base.metadata` is complete for Alembic and tests."""

from casework.audit import models as audit_models
from casework.auth import models as auth_models
from casework.clients import models as client_models
from casework.crypto import models as crypto_models

__all__ = ["audit_models", "auth_models", "client_models", "crypto_models"]
