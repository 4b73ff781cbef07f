"""Use cases of care, one module per family: enrolments, appointments, session notes."""
