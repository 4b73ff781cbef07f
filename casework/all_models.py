"""Every feature's models, imported so `Base.metadata` is complete for Alembic and tests."""

from casework.audit import models as audit_models
from casework.auth import models as auth_models
from casework.care import models as care_models
from casework.case_assessments import models as case_assessment_models
from casework.cases import models as case_models
from casework.catalogue import models as catalogue_models
from casework.clients import models as client_models
from casework.consultations import models as consultation_models
from casework.crypto import models as crypto_models
from casework.groups import models as group_models
from casework.imports import models as import_models
from casework.jobs import models as job_models
from casework.partners import models as partner_models
from casework.privacy import models as privacy_models
from casework.projects import models as project_models
from casework.retention import models as retention_models
from casework.supervision import models as supervision_models
from casework.surveys import models as survey_models
from casework.tasks import models as task_models

__all__ = [
    "audit_models",
    "auth_models",
    "care_models",
    "case_assessment_models",
    "case_models",
    "catalogue_models",
    "client_models",
    "consultation_models",
    "crypto_models",
    "group_models",
    "import_models",
    "job_models",
    "partner_models",
    "privacy_models",
    "project_models",
    "retention_models",
    "supervision_models",
    "survey_models",
    "task_models",
]
