"""A large synthetic centre written straight into the database (`flask demo --scale N`).

from casework.demo.scale import generate
report = generate(db.engine, 100_000, notes_per_client=10, seed=1)
"""

from casework.demo.scale.generate import (
    STAFF_DOMAIN,
    ScaleError,
    ScaleReport,
    generate,
    staff_email,
)

__all__ = ["STAFF_DOMAIN", "ScaleError", "ScaleReport", "generate", "staff_email"]
